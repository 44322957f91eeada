namespace Lookout.Host.Verbs;

/// <summary>What <c>lookout eval</c> scores a model on; section <c>Eval</c>.</summary>
public sealed class EvalOptions
{
    public const string SectionName = "Eval";

    /// <summary>The default score threshold for evaluation: low, so the precision-recall curve is complete.</summary>
    public const float DefaultScoreThreshold = 0.001f;

    /// <summary>A PASCAL VOC folder (Annotations/, JPEGImages/), a YOLO-txt folder (images/, labels/, a names file), or a video file with <see cref="Truth"/>.</summary>
    public string? Data { get; set; }

    /// <summary>The per-frame ground truth of a video given as <see cref="Data"/>: JSON lines in the annotate schema (default: the video's path with <c>.jsonl</c>).</summary>
    public string? Truth { get; set; }

    /// <summary>The split to score: VOC <c>ImageSets/Main/&lt;split&gt;.txt</c> or YOLO <c>images/&lt;split&gt;/</c>. Default: test when the dataset has one, else every image.</summary>
    public string? Split { get; set; }

    /// <summary>Also write the report as JSON here.</summary>
    public string? Json { get; set; }

    /// <summary>Score all classes as one (a detection matches an object of any class): how well objects are found, apart from how well they are named. Implies class-agnostic NMS.</summary>
    public bool ClassAgnostic { get; set; }

    /// <summary>Record the scores and the inference latency in the model card's <c>evaluation</c> object.</summary>
    public bool Record { get; set; }

    /// <summary>
    /// Set the model card's <c>score_threshold</c> to the threshold of best F1 on this data (a validation split: the
    /// test split should stay unseen), and say where it came from in <c>score_calibration</c>.
    /// </summary>
    public bool Calibrate { get; set; }
}
