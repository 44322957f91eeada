namespace Lookout.Detection;

/// <summary>Wall-clock time of each stage of one <see cref="OnnxDetector.Detect(OpenCvSharp.Mat, out DetectionTimings)"/> call.</summary>
public readonly record struct DetectionTimings(double PreprocessMs, double InferenceMs, double PostprocessMs)
{
    public double TotalMs => PreprocessMs + InferenceMs + PostprocessMs;
}
