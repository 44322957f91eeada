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
        detail = shape.Detail > 0 ? new ConvBnAct("detail", shape.C4, shape.Detail, 2, 2) : null;
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
        var x = stem.forward(input);
        x = Blocks.Forward(stage2, x);
        var p3 = Blocks.Forward(stage3, x);
        var p4 = Blocks.Forward(stage4, p3);
        var p5 = Blocks.Forward(stage5, p4);
        if (neck is not null)
        {
            (p3, p4) = neck.Forward(p3, p4, p5);
        }

        if (detail is not null)
        {
            p3 = cat([p3, detail.forward(x)], 1);
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
        var (centers, centerScale, halfSize) = DecodeConstants(priors);
        using var c = tensor(centers, [1, n, 2]);
        using var s = tensor(centerScale, [1, n, 2]);
        using var h = tensor(halfSize, [1, n, 2]);
        var center = offsets[.., .., 0..2] * s + c;
        var half = exp(offsets[.., .., 2..4] * SizeVarianceTensor) * h;
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
        var x = stem.Emit(g, "images");
        x = Blocks.Emit(g, stage2, x);
        var p3 = Blocks.Emit(g, stage3, x);
        var p4 = Blocks.Emit(g, stage4, p3);
        var p5 = Blocks.Emit(g, stage5, p4);
        if (neck is not null)
        {
            (p3, p4) = neck.Emit(g, p3, p4, p5);
        }

        if (detail is not null)
        {
            p3 = g.Node("Concat", [p3, detail.Emit(g, x)], OnnxGraphBuilder.Int("axis", 1));
        }

        var p6 = Blocks.Emit(g, stage6, p5);
        string[] levels = [p3, p4, p5, p6];
        var perPrior = 4 + _classes + 1;
        var rowShape = g.Int64Initializer("prior_rows", [1, -1, perPrior]);
        var rows = new string[levels.Length];
        for (var i = 0; i < levels.Length; i++)
        {
            // One Conv per level gives each prior's 4 offsets and 1 + C logits side by side, so after NHWC every
            // prior is one row of 4 + 1 + C values: one Transpose and Reshape per level instead of two of each.
            var h = ssdHeads[i].Emit(g, levels[i]);
            rows[i] = g.Node("Reshape", [Nhwc(g, EmitPriorRows(g, locOut[i], confOut[i], Levels[i].PerCell, h, $"out{i}")), rowShape]);
        }

        var all = g.Node("Concat", rows, OnnxGraphBuilder.Int("axis", 1));
        var axis = g.Int64Initializer("axis2", [2]);
        var start0 = g.Int64Initializer("start0", [0]);
        var end2 = g.Int64Initializer("end2", [2]);
        var end4 = g.Int64Initializer("end4", [4]);
        var xy = g.Node("Slice", [all, start0, end2, axis]);
        var wh = g.Node("Slice", [all, end2, end4, axis]);
        var conf = g.Node("Slice", [all, end4, g.Int64Initializer("end_conf", [perPrior]), axis]);
        var (centers, centerScale, halfSize) = DecodeConstants(priors);
        var center = g.Node("Add", [g.Node("Mul", [xy, g.Initializer("prior_scale", centerScale, 1, n, 2)]), g.Initializer("prior_center", centers, 1, n, 2)]);
        var size = g.Node("Exp", [g.Node("Mul", [wh, g.Initializer("size_variance", [SsdPriors.SizeVariance], 1)])]);
        var half = g.Node("Mul", [size, g.Initializer("prior_half", halfSize, 1, n, 2)]);
        var boxes = g.Node("Concat", [g.Node("Sub", [center, half]), g.Node("Add", [center, half])], OnnxGraphBuilder.Int("axis", 2));
        var scores = g.Node("Softmax", [conf], OnnxGraphBuilder.Int("axis", 2));
        g.Output(boxes, "boxes", 1, n, 4);
        g.Output(scores, "scores", 1, n, _classes + 1);
    }

    /// <summary>Parameter count (for the model card).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// The loc and conf 1×1 convolutions of one level as one Conv whose output channels are, prior by prior,
    /// that prior's 4 offsets then its 1 + C logits.
    /// </summary>
    private static string EmitPriorRows(OnnxGraphBuilder g, Conv2d loc, Conv2d conf, int priorsPerCell, string input, string hint)
    {
        using var noGrad = no_grad();
        var inChannels = (int)loc.weight!.shape[1];
        var locW = loc.weight.contiguous().data<float>().ToArray();
        var confW = conf.weight!.contiguous().data<float>().ToArray();
        var locB = loc.bias!.contiguous().data<float>().ToArray();
        var confB = conf.bias!.contiguous().data<float>().ToArray();
        var logits = confB.Length / priorsPerCell;
        var weights = new List<float>(locW.Length + confW.Length);
        var biases = new List<float>(locB.Length + confB.Length);
        for (var p = 0; p < priorsPerCell; p++)
        {
            weights.AddRange(locW.AsSpan(p * 4 * inChannels, 4 * inChannels));
            biases.AddRange(locB.AsSpan(p * 4, 4));
            weights.AddRange(confW.AsSpan(p * logits * inChannels, logits * inChannels));
            biases.AddRange(confB.AsSpan(p * logits, logits));
        }

        var w = g.Initializer(hint + "_w", [.. weights], biases.Count, inChannels, 1, 1);
        var b = g.Initializer(hint + "_b", [.. biases], biases.Count);
        return g.Node("Conv", [input, w, b], OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
    }

    private static string Nhwc(OnnxGraphBuilder g, string value) => g.Node("Transpose", [value], OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1));

    /// <summary>Per prior of <paramref name="priors"/>: centre (cx, cy), centre-offset scale (0.1·w, 0.1·h) and half size (w/2, h/2), each [N × 2].</summary>
    private static (float[] Centers, float[] CenterScale, float[] HalfSize) DecodeConstants(float[] priors)
    {
        var n = priors.Length / 4;
        var centers = new float[2 * n];
        var scale = new float[2 * n];
        var half = new float[2 * n];
        for (var i = 0; i < n; i++)
        {
            centers[2 * i] = priors[4 * i];
            centers[2 * i + 1] = priors[4 * i + 1];
            scale[2 * i] = SsdPriors.CenterVariance * priors[4 * i + 2];
            scale[2 * i + 1] = SsdPriors.CenterVariance * priors[4 * i + 3];
            half[2 * i] = priors[4 * i + 2] / 2;
            half[2 * i + 1] = priors[4 * i + 3] / 2;
        }

        return (centers, scale, half);
    }
}
