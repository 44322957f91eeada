Console.WriteLine(OpenCvSharp.Cv2.GetVersionString());
Console.WriteLine(string.Join(",", Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders()));
