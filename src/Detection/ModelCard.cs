namespace Lookout.Detection;

/// <summary>
/// Describes how to feed a model and read its outputs: <c>&lt;model&gt;.json</c> beside <c>&lt;model&gt;.onnx</c>,
/// or inferred from Ultralytics metadata inside the model.
/// </summary>
/// <remarks>
/// JSON schema: <c>{"name", "layout": "ssd"|"yolov8"|"yolov5"|"yolox", "input": {"width", "height",
/// "color": "rgb"|"bgr", "scale", "mean": [3], "std": [3], "resize": "letterbox"|"stretch",
/// "align": "center"|"topleft", "pad", "fit", "multiple"}, "labels": [...] | "labels_file", "score_threshold",
/// "iou_threshold", "strides"}</c>. Required: layout, input.width, input.height, input.color, input.scale and
/// labels or labels_file. Unknown fields are ignored so tools can add their own.
/// </remarks>
public sealed partial record ModelCard
{
    public const float DefaultScoreThreshold = 0.25f;
    public const float DefaultIouThreshold = 0.45f;

    public required string Name { get; init; }

    public required ModelLayout Layout { get; init; }

    public required ModelInputSpec Input { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    public float ScoreThreshold { get; init; } = DefaultScoreThreshold;

    public float IouThreshold { get; init; } = DefaultIouThreshold;

    /// <summary>Grid strides of a YOLOX head, coarsest last.</summary>
    public IReadOnlyList<int> Strides { get; init; } = [8, 16, 32];

    /// <summary>The JSON file this card came from; null when it was inferred from the model's metadata.</summary>
    public string? SourcePath { get; init; }

    /// <summary>This card for one input size (<see cref="ModelInputSpec.WithSize"/>).</summary>
    public ModelCard WithInputSize(int width, int height) => this with { Input = Input.WithSize(width, height) };
}
