using System.ComponentModel.DataAnnotations;

namespace Lookout.Detection;

/// <summary>Settings of <see cref="OnnxDetector"/>, bound from the "Detector" configuration section.</summary>
public sealed class DetectorOptions
{
    public const string SectionName = "Detector";

    /// <summary>The .onnx file.</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// The model card (JSON). Null: <c>&lt;model&gt;.json</c> beside the model when it exists, otherwise the
    /// layout is inferred from Ultralytics metadata in the model.
    /// </summary>
    public string? CardPath { get; set; }

    /// <summary>Minimum score kept; null takes the card's value (0.25 when the card has none).</summary>
    [Range(0.0, 1.0)]
    public float? ScoreThreshold { get; set; }

    /// <summary>NMS IoU above which the lower-scoring box is dropped; null takes the card's value (0.45 when none).</summary>
    [Range(0.0, 1.0)]
    public float? IouThreshold { get; set; }

    /// <summary>When true, boxes of different classes suppress each other too.</summary>
    public bool AgnosticNms { get; set; }

    /// <summary>
    /// When true, each anchor proposes every class whose score passes the threshold, not only its best one, as
    /// Ultralytics validation and the SSD paper's evaluation decode; an ambiguous object then appears under each
    /// name it might have, each with its own score. For scoring (mAP); a display wants one name per object.
    /// </summary>
    public bool MultiLabel { get; set; }

    /// <summary>
    /// Whether each source is fed at the input that shows it largest within the card's pixels (<see cref="ModelInputSpec.Fit"/>),
    /// which needs a model with a dynamic height and width; null takes the card's <c>input.fit</c> (off when it has none).
    /// </summary>
    public bool? Fit { get; set; }

    [Range(1, int.MaxValue)]
    public int MaxDetections { get; set; } = 300;

    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;

    /// <summary>CUDA device ordinal.</summary>
    [Range(0, 1024)]
    public int DeviceId { get; set; }

    /// <summary>
    /// ONNX Runtime intra-op threads; 0 leaves ONNX Runtime's default (one per core). On a 2-core machine
    /// 2 measured best; leave a core free when capture and encoding run beside inference.
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin waiting for work after each run (its own default) instead of
    /// sleeping. Spinning shaves a little latency off back-to-back runs on an idle machine, but on a few cores it
    /// takes CPU from decoding, drawing and encoding running beside inference, so it is off by default.
    /// </summary>
    public bool Spinning { get; set; }

    /// <summary>A copy of every setting, to change some without touching these.</summary>
    public DetectorOptions Clone() => (DetectorOptions)MemberwiseClone();
}
