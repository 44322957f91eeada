namespace Lookout.Training.Synthetic;

/// <summary>Camera-like degradations of one synthetic image: contrast/brightness, blur, motion blur, noise, JPEG quality.</summary>
internal readonly record struct Degradation(
    float Contrast,
    float Brightness,
    float BlurSigma,
    int MotionLength,
    float MotionAngle,
    float NoiseSigma,
    int JpegQuality);
