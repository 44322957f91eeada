using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace Lookout.Detection;

/// <summary>
/// Runs an SSD or YOLO-family ONNX model on BGR images: letterbox/resize, ONNX Runtime, decode, NMS, and
/// boxes mapped back to image pixels.
/// </summary>
/// <remarks>
/// One instance owns one ONNX Runtime session with a pinned input tensor and pinned output buffers bound once,
/// so steady-state <see cref="Detect(Mat, out DetectionTimings)"/> calls allocate only their result array.
/// Not thread-safe: use one instance per inference thread. <see cref="Detect(Mat, out DetectionTimings)"/>
/// never takes ownership of the image.
/// </remarks>
public sealed partial class OnnxDetector : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly List<IDisposable> _owned = [];
    private Preprocessor _preprocessor = null!;
    private OrtIoBinding _binding = null!;
    private OutputPlan _plan = null!;
    private float[] _input = [];
    private float[] _primaryOutput = [];
    private float[] _secondaryOutput = [];
    private Postprocessor _postprocessor = null!;
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

    public int InputWidth => Card.Input.Width;

    public int InputHeight => Card.Input.Height;

    public float ScoreThreshold { get; private set; }

    public float IouThreshold { get; private set; }

    /// <summary>Layout actually used (the card's, or the one inferred from the model).</summary>
    public ModelLayout Layout => Card.Layout;

    /// <summary>
    /// Detects objects in a BGR 8UC3 image of any size. Boxes are in the image's pixels, clipped to it, sorted by
    /// descending score. Returns a fresh array the caller may keep.
    /// </summary>
    public Detection[] Detect(Mat bgrImage, out DetectionTimings timings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bgrImage);

        long start = Stopwatch.GetTimestamp();
        InputTransform transform = _preprocessor.Run(bgrImage, _input);
        long preprocessed = Stopwatch.GetTimestamp();

        _session.RunWithBinding(_runOptions, _binding);
        long inferred = Stopwatch.GetTimestamp();

        Detection[] result = _postprocessor.Run(_primaryOutput, _secondaryOutput, transform);
        long end = Stopwatch.GetTimestamp();
        timings = new DetectionTimings(
            Stopwatch.GetElapsedTime(start, preprocessed).TotalMilliseconds,
            Stopwatch.GetElapsedTime(preprocessed, inferred).TotalMilliseconds,
            Stopwatch.GetElapsedTime(inferred, end).TotalMilliseconds);
        return result;
    }

    /// <summary>Names of the outputs the decoder reads: the YOLO tensor, or the SSD boxes then scores.</summary>
    internal IReadOnlyList<string> DecodedOutputNames => _plan.Secondary >= 0
        ? [_session.OutputNames[_plan.Primary], _session.OutputNames[_plan.Secondary]]
        : [_session.OutputNames[_plan.Primary]];

    /// <summary>Values in each of <see cref="DecodedOutputNames"/>, as bound for this detector.</summary>
    internal IReadOnlyList<int> DecodedOutputLengths => _plan.Secondary >= 0
        ? [_primaryOutput.Length, _secondaryOutput.Length]
        : [_primaryOutput.Length];

    /// <summary>A decoder + NMS with this detector's plan, thresholds and cap, for another engine running the same model.</summary>
    internal Postprocessor CreatePostprocessor() =>
        new(_plan, Card, ScoreThreshold, IouThreshold, _postprocessor.Agnostic, _postprocessor.MaxDetections, _postprocessor.MultiLabel);

    /// <summary>Same as <see cref="Detect(Mat, out DetectionTimings)"/> without the timings.</summary>
    public Detection[] Detect(Mat bgrImage) => Detect(bgrImage, out _);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
