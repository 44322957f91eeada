using Lookout.Training.Export;
using Lookout.Training.Models;
using static TorchSharp.torch;
using DetectedObject = Lookout.Detection.Detection;

namespace Lookout.Training.Training;

/// <summary>
/// What <see cref="Trainer"/> and the exporter need from a network: its loss on a batch, detections in
/// image pixels for val mAP, the backbone to freeze, and its ONNX graph and model-card facts.
/// </summary>
internal interface ITrainableDetector : IDisposable
{
    /// <summary><c>yolo</c> or <c>ssd</c>, as <c>--arch</c> names it.</summary>
    string Arch { get; }

    /// <summary>The network, for parameters, train/eval mode and checkpoints.</summary>
    nn.Module Module { get; }

    /// <summary>The side of the square input it trains and validates at.</summary>
    int InputSize { get; }

    /// <summary>The input the ONNX export takes (default <see cref="InputSize"/> square).</summary>
    (int Width, int Height) ExportInput { get; }

    /// <summary>
    /// Makes the export take a <paramref name="width"/>×<paramref name="height"/> input (sides multiples of the
    /// coarsest stride): the networks are fully convolutional, so the same weights run on a rectangle.
    /// </summary>
    void SetExportInput(int width, int height);

    /// <summary>
    /// Whether the export takes any input with sides multiples of the coarsest stride, <see cref="ExportInput"/>
    /// being the nominal size the runtime fits each source's aspect ratio within (the card's <c>input.fit</c>).
    /// </summary>
    bool FitInput => false;
    /// <summary>The backbone's modules, for <c>--freeze backbone</c>.</summary>
    IEnumerable<nn.Module> Backbone { get; }

    /// <summary>The runtime layout the export is in (<c>yolov8</c>, <c>ssd</c>).</summary>
    string Layout { get; }

    /// <summary>One line for the model card: the architecture and its size.</summary>
    string Architecture { get; }

    /// <summary>
    /// How much an object weighs in the loss by the number n of grid points or priors it was matched to: its positives'
    /// terms are scaled by n^−p, normalized so the loss keeps its size (0: each positive counts once; <c>--balance</c>).
    /// </summary>
    float BalancePower { get; set; }

    /// <summary>Forward pass and loss of a letterboxed batch [B, 3, S, S] against its samples' objects.</summary>
    (Tensor Total, Tensor Cls, Tensor Box) Loss(Tensor input, IReadOnlyList<TrainingSample> samples);

    /// <summary>
    /// Detections of a letterboxed batch (no augmentation) in each original image's pixels, score ≥ 0.01,
    /// class-aware NMS at IoU 0.6, at most 100 per image. Call in eval mode under <c>no_grad</c>.
    /// </summary>
    DetectedObject[][] Detect(Tensor input, IReadOnlyList<(int Width, int Height)> imageSizes, IReadOnlyList<string> labels);

    /// <summary>Loads the weights of <c>--init</c>; <paramref name="log"/> says what was loaded.</summary>
    void Initialize(string checkpoint, TextWriter log);

    /// <summary>Emits the network with decoding into <paramref name="graph"/>.</summary>
    void Emit(OnnxGraphBuilder graph);

    /// <summary>ONNX metadata properties for the export.</summary>
    IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<string> labels);
}

/// <summary>Makes the network <c>--arch</c> names.</summary>
internal static class DetectorArch
{
    public const string Yolo = "yolo";
    public const string Ssd = "ssd";

    public static IReadOnlyList<string> Names { get; } = [Yolo, Ssd];

    /// <summary>The multiple the input size must be: the network's coarsest stride.</summary>
    public static int InputMultiple(string arch) => arch == Ssd ? 64 : 32;

    public static ITrainableDetector Create(string arch, int classes, int width, int inputSize) => Create(arch, classes, BackboneShape.FromWidth(width), inputSize);

    public static ITrainableDetector Create(string arch, int classes, BackboneShape shape, int inputSize) => arch switch
    {
        Yolo => new YoloTrainableDetector(classes, shape, inputSize),
        Ssd => new SsdTrainableDetector(classes, shape, inputSize),
        _ => throw new ArgumentException($"unknown architecture '{arch}'; expected {string.Join(" or ", Names)}.", nameof(arch)),
    };

    /// <summary>Maps a letterboxed-input box (input pixels) back to an image of <paramref name="width"/>×<paramref name="height"/>, clipped.</summary>
    public static Detection.BoxF Unletterbox(float x1, float y1, float x2, float y2, int inputSize, int width, int height)
    {
        var scale = (float)inputSize / Math.Max(width, height);
        var left = MathF.Round((inputSize - MathF.Round(width * scale)) / 2);
        var top = MathF.Round((inputSize - MathF.Round(height * scale)) / 2);
        return new Detection.BoxF((x1 - left) / scale, (y1 - top) / scale, (x2 - left) / scale, (y2 - top) / scale).Clip(width, height);
    }
}
