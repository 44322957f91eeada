using Lookout.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>
/// A small SSD: the depthwise-separable backbone of <see cref="YoloShapesNet"/> (same stages and
/// parameter names, so a YOLO checkpoint can initialize it) plus one stride-64 stage, and on each of
/// four feature maps (strides 8, 16, 32, 64) a depthwise-separable head with a 1×1 box-offset output
/// (4 per prior) and a 1×1 class output (background + C per prior). Every cell has four priors: a square
/// of the level's scale, a square between it and the next level's scale, and 2:1 and 1:2 boxes.
/// <see cref="Decode"/> gives the <c>ssd</c> layout: corner boxes normalized to the input and softmax scores
/// whose first column is background.
/// </summary>
internal sealed class SsdShapesNet : nn.Module<Tensor, (Tensor Offsets, Tensor Logits)>
{
    /// <summary>Levels at strides 8, 16, 32, 64; scales 0.035 → 0.9 of the input side (11 to 290 px at 320).</summary>
    public static readonly IReadOnlyList<SsdPriorLevel> Levels =
    [
        new(8, 0.035f, 0.1f, [2f]),
        new(16, 0.1f, 0.25f, [2f]),
        new(32, 0.25f, 0.55f, [2f]),
        new(64, 0.55f, 0.9f, [2f]),
    ];

    private static readonly Tensor SizeVarianceTensor = tensor(SsdPriors.SizeVariance);
    private static readonly Tensor CenterVarianceTensor = tensor(SsdPriors.CenterVariance);
    private static readonly Tensor HalfTensor = tensor(0.5f);

    // Field names up to stage5 match YoloShapesNet's, so its checkpoints load into this backbone.
    private readonly ConvBnAct stem;
    private readonly ModuleList<DepthwiseSeparable> stage2;
    private readonly ModuleList<DepthwiseSeparable> stage3;
    private readonly ModuleList<DepthwiseSeparable> stage4;
    private readonly ModuleList<DepthwiseSeparable> stage5;
    private readonly TopDownNeck? neck;
    private readonly ConvBnAct? detail;
    private readonly ModuleList<DepthwiseSeparable> stage6;
    private readonly ModuleList<DepthwiseSeparable> ssdHeads;
    private readonly ModuleList<Conv2d> locOut;
    private readonly ModuleList<Conv2d> confOut;
    private readonly int _classes;
    private readonly Dictionary<int, float[]> _priorsBySide = [];

    public SsdShapesNet(int classes, int width = 16, int inputSize = 320)
        : this(classes, BackboneShape.FromWidth(width), inputSize)
    {
    }

    public SsdShapesNet(int classes, BackboneShape shape, int inputSize = 320)
        : base("ssd_shapes")
    {
        if (inputSize % 64 != 0)
        {
            throw new ArgumentException($"input size {inputSize} must be a multiple of 64 (the coarsest stride).", nameof(inputSize));
        }

        _classes = classes;
        InputSize = inputSize;
        Shape = shape;
        (stem, stage2, stage3, stage4, stage5) = shape.Build();
        neck = shape.HasFpn ? new TopDownNeck(shape) : null;
        detail = shape.BuildDetail();
        stage6 = new ModuleList<DepthwiseSeparable>(new DepthwiseSeparable("s6a", shape.C32, shape.C32, 2));
        int[] levelChannels = [shape.C8 + shape.Detail, shape.C16, shape.C32, shape.C32];
        ssdHeads = new ModuleList<DepthwiseSeparable>([.. levelChannels.Select((c, i) => new DepthwiseSeparable($"ssd_head{i}", c, shape.Head, 1))]);
        locOut = new ModuleList<Conv2d>([.. Levels.Select(l => nn.Conv2d(shape.Head, 4 * l.PerCell, 1))]);
        confOut = new ModuleList<Conv2d>([.. Levels.Select(l => nn.Conv2d(shape.Head, (classes + 1) * l.PerCell, 1))]);
        RegisterComponents();

        Priors = SsdPriors.Generate(inputSize, Levels);
        PriorCount = Priors.Length / 4;
        ExportInput = (inputSize, inputSize);
    }

    /// <summary>The input the export takes, width and height (default <see cref="InputSize"/> square); see <see cref="SetExportInput"/>.</summary>
    public (int Width, int Height) ExportInput { get; private set; }

    /// <summary>
    /// Makes the export take a <paramref name="width"/>×<paramref name="height"/> input: the grids follow the
    /// input and the default boxes keep their trained sizes in pixels (<see cref="SsdPriors.Generate(int, int, int, IReadOnlyList{SsdPriorLevel})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of the coarsest stride.</exception>
    public void SetExportInput(int width, int height)
    {
        Blocks.CheckInput(width, height, Levels[^1].Stride);
        ExportInput = (width, height);
    }

    public int InputSize { get; }

    /// <summary>The backbone's stem and channels.</summary>
    public BackboneShape Shape { get; }

    /// <summary>Object classes, without background.</summary>
    public int Classes => _classes;

    /// <summary>Every prior, [N × 4] cx, cy, w, h normalized, in output order.</summary>
    public float[] Priors { get; }

    /// <summary>
    /// The priors of a square input of side <paramref name="side"/> (a training crop smaller than
    /// <see cref="InputSize"/>): the grid follows the side, the boxes keep their sizes in pixels; normalized to the side.
    /// </summary>
    public float[] PriorsFor(int side)
    {
        if (side == InputSize)
        {
            return Priors;
        }

        lock (_priorsBySide)
        {
            if (!_priorsBySide.TryGetValue(side, out var priors))
            {
                priors = SsdPriors.Generate(side, side, InputSize, Levels);
                _priorsBySide.Add(side, priors);
            }

            return priors;
        }
    }

    public int PriorCount { get; }

    /// <summary>The backbone's modules, for <c>--freeze backbone</c>.</summary>
    public IEnumerable<nn.Module> Backbone => [stem, stage2, stage3, stage4, stage5, stage6];

    /// <summary>The 1×1 output convolutions, per level (for tests that pin the outputs).</summary>
    internal IReadOnlyList<Conv2d> LocOutputs => [.. locOut];

    internal IReadOnlyList<Conv2d> ConfOutputs => [.. confOut];

    /// <summary>Raw outputs: variance-encoded offsets [B, N, 4] and class logits [B, N, 1 + C] (background first).</summary>
    public override (Tensor Offsets, Tensor Logits) forward(Tensor input)
    {
        var s2 = stem.forward(input);
        var x = Blocks.Forward(stage2, s2);
        var p3 = Blocks.Forward(stage3, x);
        var p4 = Blocks.Forward(stage4, p3);
        var p5 = Blocks.Forward(stage5, p4);
        if (neck is not null)
        {
            (p3, p4) = neck.Forward(p3, p4, p5);
        }

        if (detail is not null)
        {
            p3 = cat([p3, detail.forward(Shape.DetailFrom == 2 ? s2 : x)], 1);
        }

        var p6 = Blocks.Forward(stage6, p5);
        Tensor[] levels = [p3, p4, p5, p6];
        var offsets = new List<Tensor>();
        var logits = new List<Tensor>();
        var batch = input.shape[0];
        for (var i = 0; i < levels.Length; i++)
        {
            var h = ssdHeads[i].forward(levels[i]);
            offsets.Add(locOut[i].forward(h).permute(0, 2, 3, 1).reshape(batch, -1, 4));
            logits.Add(confOut[i].forward(h).permute(0, 2, 3, 1).reshape(batch, -1, _classes + 1));
        }

        return (cat(offsets, 1), cat(logits, 1));
    }

    /// <summary>
    /// The <c>ssd</c> layout: boxes [B, N, 4] x1, y1, x2, y2 normalized, and softmax scores [B, N, 1 + C], for the
    /// outputs of a <paramref name="input"/> (width, height; default <see cref="InputSize"/> square).
    /// </summary>
    public (Tensor Boxes, Tensor Scores) Decode(Tensor offsets, Tensor logits, (int Width, int Height)? input = null)
    {
        var priors = input is var (width, height) ? SsdPriors.Generate(width, height, InputSize, Levels) : Priors;
        var n = priors.Length / 4;
        using var p = tensor(priors, [1, n, 4]);
        var center = offsets[.., .., 0..2] * (p[.., .., 2..4] * CenterVarianceTensor) + p[.., .., 0..2];
        var half = exp(offsets[.., .., 2..4] * SizeVarianceTensor) * (p[.., .., 2..4] * HalfTensor);
        return (cat([center - half, center + half], 2), softmax(logits, 2));
    }

    /// <summary>
    /// Emits the whole network with decoding into ONNX: input <c>images</c> [1,3,H,W] (<see cref="ExportInput"/>),
    /// outputs <c>boxes</c> [1,N,4] and <c>scores</c> [1,N,1+C].
    /// </summary>
    public void Emit(OnnxGraphBuilder g)
    {
        var (width, height) = ExportInput;
        var priors = SsdPriors.Generate(width, height, InputSize, Levels);
        var n = priors.Length / 4;
        g.Input("images", 1, 3, height, width);
        var s2 = stem.Emit(g, "images");
        var x = Blocks.Emit(g, stage2, s2);
        var p3 = Blocks.Emit(g, stage3, x);
        var p4 = Blocks.Emit(g, stage4, p3);
        var p5 = Blocks.Emit(g, stage5, p4);
        if (neck is not null)
        {
            (p3, p4) = neck.Emit(g, p3, p4, p5);
        }

        if (detail is not null)
        {
            p3 = g.Node("Concat", [p3, detail.Emit(g, Shape.DetailFrom == 2 ? s2 : x)], OnnxGraphBuilder.Int("axis", 1));
        }

        var p6 = Blocks.Emit(g, stage6, p5);
        string[] levels = [p3, p4, p5, p6];
        var quadShape = g.Int64Initializer("quad_rows", [1, -1, 4]);
        var confShape = g.Int64Initializer("conf_rows", [1, -1, _classes + 1]);
        var shiftRows = new string[levels.Length];
        var sizeRows = new string[levels.Length];
        var confRows = new string[levels.Length];
        var first = 0;
        for (var i = 0; i < levels.Length; i++)
        {
            // Per prior, one Conv gives the centre shift (ox, oy, ox, oy) and another the log size (a, b, a, b), from
            // the loc output's rows scaled by the variances and the prior's size: ox = 0.1·pw·dx, a = 0.2·dw. With
            // the logits' Conv, each becomes rows of priors by NHWC (which fuses into the Conv's layout conversion)
            // and a Reshape, so the decode below works on whole rows: splitting one [1, N, 4 + 1 + C] tensor
            // along its short last axis, or broadcasting a [4] constant over it, costs ONNX Runtime a step per row.
            var h = ssdHeads[i].Emit(g, levels[i]);
            var perCell = Levels[i].PerCell;
            var scales = OffsetScales(priors, first, perCell);
            shiftRows[i] = g.Node("Reshape", [Nhwc(g, EmitLocQuads(g, locOut[i], scales, 0, h, $"shift{i}")), quadShape]);
            sizeRows[i] = g.Node("Reshape", [Nhwc(g, EmitLocQuads(g, locOut[i], scales, 2, h, $"size{i}")), quadShape]);
            confRows[i] = g.Node("Reshape", [Nhwc(g, Blocks.EmitConv1x1(g, confOut[i], h, $"conf{i}")), confShape]);
            first += LevelPriors(Levels[i], width, height);
        }

        // (x1, y1, x2, y2) = (ox, oy, ox, oy) + exp(a, b, a, b)·(−pw/2, −ph/2, pw/2, ph/2) + (cx, cy, cx, cy).
        var shift = g.Node("Concat", shiftRows, OnnxGraphBuilder.Int("axis", 1));
        var size = g.Node("Concat", sizeRows, OnnxGraphBuilder.Int("axis", 1));
        var conf = g.Node("Concat", confRows, OnnxGraphBuilder.Int("axis", 1));
        var (centers, halfSize) = DecodeConstants(priors);
        var half = g.Node("Mul", [g.Node("Exp", [size]), g.Initializer("prior_half", halfSize, 1, n, 4)]);
        var boxes = g.Node("Add", [g.Node("Add", [shift, half]), g.Initializer("prior_center", centers, 1, n, 4)]);
        var scores = g.Node("Softmax", [conf], OnnxGraphBuilder.Int("axis", 2));
        g.Output(boxes, "boxes", 1, n, 4);
        g.Output(scores, "scores", 1, n, _classes + 1);
    }

    /// <summary>Parameter count (for the model card).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// A 1×1 Conv giving, per prior of a cell, the loc outputs <paramref name="from"/> and <paramref name="from"/> + 1
    /// twice over (rows (k, k + 1, k, k + 1) of the loc convolution's weights and bias), each multiplied by its
    /// factor in <paramref name="scales"/>.
    /// </summary>
    private static string EmitLocQuads(OnnxGraphBuilder g, Conv2d loc, float[] scales, int from, string input, string hint)
    {
        using var noGrad = no_grad();
        var inChannels = (int)loc.weight!.shape[1];
        var w = loc.weight.contiguous().data<float>().ToArray();
        var b = loc.bias!.contiguous().data<float>().ToArray();
        var priorsPerCell = b.Length / 4;
        var weights = new float[w.Length];
        var biases = new float[b.Length];
        for (var o = 0; o < b.Length; o++)
        {
            var source = 4 * (o / 4) + from + o % 2;
            biases[o] = b[source] * scales[source];
            for (var c = 0; c < inChannels; c++)
            {
                weights[o * inChannels + c] = w[source * inChannels + c] * scales[source];
            }
        }

        return g.Node(
            "Conv",
            [input, g.Initializer(hint + "_w", weights, 4 * priorsPerCell, inChannels, 1, 1), g.Initializer(hint + "_b", biases, 4 * priorsPerCell)],
            OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
    }

    /// <summary>Priors of <paramref name="level"/> on a <paramref name="width"/>×<paramref name="height"/> input.</summary>
    private static int LevelPriors(SsdPriorLevel level, int width, int height) => width / level.Stride * (height / level.Stride) * level.PerCell;

    /// <summary>
    /// The loc channels' factors of the level whose priors start at <paramref name="first"/>: per prior in a cell
    /// (0.1·pw, 0.1·ph, 0.2, 0.2). Every cell of a level has the same prior sizes, so the first cell's hold for all.
    /// </summary>
    private static float[] OffsetScales(float[] priors, int first, int perCell)
    {
        var scales = new float[4 * perCell];
        for (var p = 0; p < perCell; p++)
        {
            var prior = 4 * (first + p);
            scales[4 * p] = SsdPriors.CenterVariance * priors[prior + 2];
            scales[4 * p + 1] = SsdPriors.CenterVariance * priors[prior + 3];
            scales[4 * p + 2] = SsdPriors.SizeVariance;
            scales[4 * p + 3] = SsdPriors.SizeVariance;
        }

        return scales;
    }

    private static string Nhwc(OnnxGraphBuilder g, string value) => g.Node("Transpose", [value], OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1));

    /// <summary>Per prior of <paramref name="priors"/>: (cx, cy, cx, cy) and (−w/2, −h/2, w/2, h/2), each [N × 4].</summary>
    private static (float[] Centers, float[] HalfSize) DecodeConstants(float[] priors)
    {
        var n = priors.Length / 4;
        var centers = new float[4 * n];
        var half = new float[4 * n];
        for (var i = 0; i < n; i++)
        {
            centers[4 * i] = centers[4 * i + 2] = priors[4 * i];
            centers[4 * i + 1] = centers[4 * i + 3] = priors[4 * i + 1];
            half[4 * i + 2] = priors[4 * i + 2] / 2;
            half[4 * i + 3] = priors[4 * i + 3] / 2;
            half[4 * i] = -half[4 * i + 2];
            half[4 * i + 1] = -half[4 * i + 3];
        }

        return (centers, half);
    }
}
