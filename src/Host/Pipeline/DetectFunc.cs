using OpenCvSharp;

namespace Lookout.Host.Pipeline;

/// <summary>A detector as the pipeline sees it; <see cref="Detection.OnnxDetector.Detect"/> fits.</summary>
/// <remarks>Returns a fresh array the caller owns; does not keep <paramref name="image"/>.</remarks>
public delegate Detection.Detection[] DetectFunc(Mat image, out Detection.DetectionTimings timings);
