namespace Lookout.Detection.Datasets;

/// <summary>One ground-truth object: its class, its box in image pixels, and the VOC <c>difficult</c> flag.</summary>
/// <remarks>Evaluation ignores difficult objects the way VOC does: matching one is neither a hit nor a miss.</remarks>
public readonly record struct AnnotatedObject(int ClassId, string Label, BoxF Box, bool Difficult = false);
