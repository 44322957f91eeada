namespace Lookout.Detection.Evaluation;

/// <summary>
/// A range of object sizes: the longer side of the box, in pixels of the network's input when the
/// evaluator knows each image's scale to it (else in image pixels). AP within a bucket counts only its
/// objects; detections matched to objects outside it, and unmatched detections outside it, are ignored
/// (COCO's rule for its small/medium/large areas).
/// </summary>
public sealed record SizeBucket(string Name, double MinSide, double MaxSide)
{
    /// <summary>Under 16 px, 16–32, 32–96 and 96 px or more.</summary>
    public static IReadOnlyList<SizeBucket> Default { get; } =
    [
        new("< 16 px", 0, 16),
        new("16-32 px", 16, 32),
        new("32-96 px", 32, 96),
        new(">= 96 px", 96, double.PositiveInfinity),
    ];

    public bool Contains(double side) => side >= MinSide && side < MaxSide;
}

/// <summary>mAP of the objects of one <see cref="SizeBucket"/>.</summary>
/// <param name="GroundTruths">Objects in the bucket (not difficult).</param>
public sealed record SizeResult(SizeBucket Bucket, int GroundTruths, double Map50, double Map50To95);
