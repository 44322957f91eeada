namespace Lookout.Detection.Evaluation;

/// <summary>How long the detector's inference took over an evaluation: which execution provider, how many runs, and the times.</summary>
/// <param name="Provider">The execution provider that ran it (<c>CPU</c>, <c>CUDA</c>).</param>
/// <param name="Runs">Inference runs measured (one per image or frame).</param>
/// <param name="P50Ms">Median milliseconds per run.</param>
/// <param name="P95Ms">95th percentile milliseconds per run.</param>
/// <param name="MeanMs">Mean milliseconds per run.</param>
/// <param name="Spinning">Whether ONNX Runtime's threads spun between runs.</param>
public sealed record InferenceLatency(string Provider, long Runs, double P50Ms, double P95Ms, double MeanMs, bool Spinning);
