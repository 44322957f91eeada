namespace Lookout.Detection;

/// <summary>
/// Raw outputs of a model to final detections: the layout's decoder, NMS, and boxes mapped back to source pixels and
/// clipped. Shared by every engine that runs a model, so their detections differ only by what the engines computed.
/// </summary>
/// <remarks>
/// Owns its candidate and scratch buffers, sized once for the plan's anchor count, so <see cref="Run"/> allocates only
/// its result array. Not thread-safe: one instance per inference thread.
/// </remarks>
internal sealed class Postprocessor
{
    private readonly OutputPlan _plan;
    private readonly IReadOnlyList<string> _labels;
    private readonly int _inputWidth;
    private readonly int _inputHeight;
    private readonly int[] _strides;
    private readonly Candidate[] _candidates;
    private readonly float[] _scratchFloats;
    private readonly int[] _scratchInts;
    private readonly int[] _kept;
    private readonly ScoreThresholdCell _scoreThreshold;

    /// <param name="scoreThreshold">The threshold, which its owner may change between runs (from any thread).</param>
    public Postprocessor(OutputPlan plan, ModelCard card, ScoreThresholdCell scoreThreshold, float iouThreshold, bool agnostic, int maxDetections, bool multiLabel = false)
    {
        _plan = plan;
        _labels = card.Labels;
        _inputWidth = card.Input.Width;
        _inputHeight = card.Input.Height;
        _strides = card.Strides.ToArray();
        _scoreThreshold = scoreThreshold;
        IouThreshold = iouThreshold;
        Agnostic = agnostic;
        MaxDetections = maxDetections;
        MultiLabel = multiLabel;

        // Multi-label: one slot per anchor and class.
        int n = multiLabel ? checked(plan.Count * plan.Classes) : plan.Count;
        _candidates = new Candidate[n];
        _scratchFloats = new float[n];
        _scratchInts = new int[n];
        _kept = new int[Math.Min(n, maxDetections)];
    }

    /// <summary>The threshold the next <see cref="Run"/> keeps scores above.</summary>
    public float ScoreThreshold => _scoreThreshold.Value;

    public float IouThreshold { get; }

    public bool Agnostic { get; }

    public int MaxDetections { get; }

    /// <summary>Whether an anchor proposes every class above the threshold, not only its best.</summary>
    public bool MultiLabel { get; }

    /// <summary>
    /// Decodes <paramref name="primary"/> (the YOLO tensor, or the SSD boxes) and <paramref name="secondary"/> (the SSD
    /// scores; empty for YOLO layouts), keeps the NMS survivors best first and maps them through
    /// <paramref name="transform"/>. Returns a fresh array the caller may keep.
    /// </summary>
    public Detection[] Run(ReadOnlySpan<float> primary, ReadOnlySpan<float> secondary, in InputTransform transform)
    {
        int count = Decode(primary, secondary);
        int kept = Nms.Apply(_candidates.AsSpan(0, count), IouThreshold, Agnostic, MaxDetections, _kept, _scratchFloats, _scratchInts);
        Detection[] result = kept == 0 ? [] : new Detection[kept];
        float width = transform.SourceWidth;
        float height = transform.SourceHeight;
        for (int i = 0; i < kept; i++)
        {
            ref readonly Candidate c = ref _candidates[_kept[i]];
            BoxF box = transform.ToSource(c.Box).Clip(width, height);
            result[i] = new Detection(c.ClassId, _labels[c.ClassId], c.Score, box);
        }

        return result;
    }

    private int Decode(ReadOnlySpan<float> primary, ReadOnlySpan<float> secondary)
    {
        OutputPlan plan = _plan;
        float threshold = ScoreThreshold;
        bool multi = MultiLabel;
        return plan.Layout switch
        {
            ModelLayout.Ssd => OutputDecoder.DecodeSsd(
                primary, secondary, plan.Count, plan.Classes + 1, _inputWidth, _inputHeight, threshold, _candidates, multi),
            ModelLayout.Yolov8 => OutputDecoder.DecodeYolov8(
                primary, plan.Count, plan.Classes, plan.ChannelsFirst, threshold, _candidates, _scratchFloats, _scratchInts, multi),
            ModelLayout.Yolov5 => OutputDecoder.DecodeYolov5(
                primary, plan.Count, plan.Classes, threshold, _candidates, multi),
            _ => OutputDecoder.DecodeYolox(
                primary, plan.Count, plan.Classes, _inputWidth, _inputHeight, _strides, threshold, _candidates, multi),
        };
    }
}
