using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace Lookout.Detection;

/// <summary>
/// Runs an SSD or YOLO-family ONNX model on BGR images: letterbox/resize, ONNX Runtime, decode, NMS, and
/// boxes mapped back to image pixels.
/// </summary>
/// <remarks>
/// One instance owns one ONNX Runtime session per input size it runs at (one, unless the card's <c>input.fit</c> lets the
/// input follow each source's aspect ratio), each with a pinned input tensor and pinned output buffers bound once, so
/// steady-state <see cref="Detect(Mat, out DetectionTimings)"/> calls allocate only their result array.
/// Not thread-safe: use one instance per inference thread. <see cref="Detect(Mat, out DetectionTimings)"/>
/// never takes ownership of the image.
/// </remarks>
public sealed partial class OnnxDetector : IDisposable
{
    /// <summary>The most input sizes kept ready at once with <c>input.fit</c>; the least recently used goes first.</summary>
    internal const int MaxSizedRuns = 8;

    private readonly InferenceSession _session;
    private bool _sessionReleased;
    private string _inputName = string.Empty;
    private readonly RunOptions _runOptions = new();
    private readonly ScoreThresholdCell _scoreThreshold = new(ModelCard.DefaultScoreThreshold);
    private readonly List<SizedRun> _runs = [];
    private SizedRun _current = null!;
    private int _sourceWidth;
    private int _sourceHeight;
    private long _uses;
    private Func<int, int, SizedRun>? _createRun;
    private bool _disposed;

    private OnnxDetector(InferenceSession session, string modelPath, string executionProvider)
    {
        _session = session;
        ModelPath = modelPath;
        ExecutionProvider = executionProvider;
    }

    public ModelCard Card { get; private set; } = null!;

    public IReadOnlyList<string> Labels => Card.Labels;

    public string ModelPath { get; }

    /// <summary>"CPU" or "CUDA:&lt;device id&gt;".</summary>
    public string ExecutionProvider { get; }

    /// <summary>The card's input width: the input's, or with <c>input.fit</c> the nominal one (see <see cref="InputSizeFor"/>).</summary>
    public int InputWidth => Card.Input.Width;

    /// <summary>The card's input height (see <see cref="InputWidth"/>).</summary>
    public int InputHeight => Card.Input.Height;

    /// <summary>
    /// Detections scoring above this are kept: the options', else the card's. It may be changed while the detector runs,
    /// from any thread (a live window's keys); the next frame uses the new value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside 0 to 1.</exception>
    public float ScoreThreshold
    {
        get => _scoreThreshold.Value;
        set
        {
            if (!(value >= 0f && value <= 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the score threshold must be from 0 to 1.");
            }

            _scoreThreshold.Value = value;
        }
    }

    /// <summary>The name of the model's image input.</summary>
    internal string InputName => _inputName;

    public float IouThreshold { get; private set; }

    /// <summary>Layout actually used (the card's, or the one inferred from the model).</summary>
    public ModelLayout Layout => Card.Layout;

    /// <summary>The input size a source of this size is fed at (<see cref="ModelInputSpec.FitTo"/>).</summary>
    public (int Width, int Height) InputSizeFor(int sourceWidth, int sourceHeight) => Card.Input.FitTo(sourceWidth, sourceHeight);

    /// <summary>
    /// Detects objects in a BGR 8UC3 image of any size. Boxes are in the image's pixels, clipped to it, sorted by
    /// descending score. Returns a fresh array the caller may keep.
    /// </summary>
    public Detection[] Detect(Mat bgrImage, out DetectionTimings timings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bgrImage);

        SizedRun run = RunFor(bgrImage.Width, bgrImage.Height);
        long start = Stopwatch.GetTimestamp();
        InputTransform transform = run.Preprocessor.Run(bgrImage, run.Input);
        long preprocessed = Stopwatch.GetTimestamp();

        run.Session.RunWithBinding(_runOptions, run.Binding);
        long inferred = Stopwatch.GetTimestamp();

        Detection[] result = run.Postprocessor.Run(run.Primary, run.Secondary, transform);
        long end = Stopwatch.GetTimestamp();
        timings = new DetectionTimings(
            Stopwatch.GetElapsedTime(start, preprocessed).TotalMilliseconds,
            Stopwatch.GetElapsedTime(preprocessed, inferred).TotalMilliseconds,
            Stopwatch.GetElapsedTime(inferred, end).TotalMilliseconds);
        return result;
    }

    /// <summary>A decoder + NMS with <paramref name="run"/>'s plan and this detector's thresholds and cap, for another engine running the same model.</summary>
    internal Postprocessor CreatePostprocessor(SizedRun run) =>
        new(run.Plan, run.Card, _scoreThreshold, IouThreshold, run.Postprocessor.Agnostic, run.Postprocessor.MaxDetections, run.Postprocessor.MultiLabel);

    /// <summary>Same as <see cref="Detect(Mat, out DetectionTimings)"/> without the timings.</summary>
    public Detection[] Detect(Mat bgrImage) => Detect(bgrImage, out _);

    /// <summary>
    /// What runs a source of this size: the one run, or with <c>input.fit</c> the run for its fitted size, made the first
    /// time that size is needed (a session, buffers and a warm-up: milliseconds to seconds, once per size).
    /// </summary>
    internal SizedRun RunFor(int sourceWidth, int sourceHeight)
    {
        if (_createRun is null || (sourceWidth == _sourceWidth && sourceHeight == _sourceHeight))
        {
            return _current;
        }

        (int width, int height) = InputSizeFor(sourceWidth, sourceHeight);
        SizedRun? run = null;
        foreach (SizedRun candidate in _runs)
        {
            if (candidate.Width == width && candidate.Height == height)
            {
                run = candidate;
                break;
            }
        }

        if (run is null)
        {
            if (_runs.Count >= MaxSizedRuns)
            {
                SizedRun oldest = _runs.MinBy(r => r.LastUse)!;
                _runs.Remove(oldest);
                oldest.Dispose();
            }

            run = _createRun(width, height);
            _runs.Add(run);
        }

        run.LastUse = ++_uses;
        _current = run;
        (_sourceWidth, _sourceHeight) = (sourceWidth, sourceHeight);
        return run;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (SizedRun run in _runs)
        {
            run.Dispose();
        }

        _runOptions.Dispose();
        if (!_sessionReleased)
        {
            _session.Dispose();
        }
    }
}
