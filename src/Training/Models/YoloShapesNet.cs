using Lookout.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>
/// A small anchor-free, YOLOv8-style detector: a depthwise-separable backbone and one head per stride
/// (8, 16, 32) predicting, at every grid point, the distances to the box's four sides (softplus, in
/// strides) and class logits. (A top-down feature pyramid at 352 px was tried: in the same training
/// hour it scored lower on the held-out split, 0.480 against 0.502 mAP50, and ran slower.) <see cref="Decode"/> turns them into the <c>yolov8</c> layout
/// <c>[B, 4 + C, N]</c>: cx, cy, w, h in input pixels and sigmoid class scores, no objectness.
/// </summary>
internal sealed class YoloShapesNet : nn.Module<Tensor, (Tensor Distances, Tensor Logits)>
{
    public static readonly int[] Strides = [8, 16, 32];

    private readonly ConvBnAct stem;
    private readonly ModuleList<DepthwiseSeparable> stage2;
    private readonly ModuleList<DepthwiseSeparable> stage3;
    private readonly ModuleList<DepthwiseSeparable> stage4;
    private readonly ModuleList<DepthwiseSeparable> stage5;
    private readonly TopDownNeck? neck;
    private readonly ConvBnAct? detail;
    private readonly ModuleList<DepthwiseSeparable> heads;
    private readonly ModuleList<Conv2d> boxOut;
    private readonly ModuleList<Conv2d> clsOut;
    private readonly int _classes;
    private readonly Dictionary<(int Width, int Height), (float[] Centers, float[] Strides)> _anchors = [];

    public YoloShapesNet(int classes, int width = 16, int inputSize = 320)
        : this(classes, BackboneShape.FromWidth(width), inputSize)
    {
    }

    public YoloShapesNet(int classes, BackboneShape shape, int inputSize = 320)
        : base("yolo_shapes")
    {
        _classes = classes;
        InputSize = inputSize;
        ExportInput = (inputSize, inputSize);
        Shape = shape;
        (stem, stage2, stage3, stage4, stage5) = shape.Build();
        neck = shape.HasFpn ? new TopDownNeck(shape) : null;
        detail = shape.BuildDetail();
        int[] levelChannels = [shape.C8, shape.C16, shape.C32];
        heads = new ModuleList<DepthwiseSeparable>([.. levelChannels.Select((c, i) => new DepthwiseSeparable($"head{i}", i == 0 ? c + shape.Detail : c, shape.Head, 1))]);
        boxOut = new ModuleList<Conv2d>([.. levelChannels.Select(_ => nn.Conv2d(shape.Head, 4, 1))]);
        clsOut = new ModuleList<Conv2d>([.. levelChannels.Select(_ => nn.Conv2d(shape.Head, classes, 1))]);
        RegisterComponents();
        using (no_grad())
        {
            // Start with rare positives (prior 0.01) so the many background points do not swamp early training.
            foreach (var c in clsOut)
            {
                c.bias!.fill_(-4.6);
            }
        }

    }

    /// <summary>The backbone's stem and channels.</summary>
    public BackboneShape Shape { get; }

    /// <summary>The side of the square input it trains and validates at.</summary>
    public int InputSize { get; }

    /// <summary>The input the export takes, width and height (default <see cref="InputSize"/> square); see <see cref="SetExportInput"/>.</summary>
    public (int Width, int Height) ExportInput { get; private set; }

    public int Classes => _classes;

    /// <summary>Grid-point centres in input pixels, [N, 2], and each point's stride, [N], in head order, at <see cref="InputSize"/>.</summary>
    public (float[] Centers, float[] Strides) Anchors => AnchorsFor(InputSize);

    public int AnchorCount => Anchors.Strides.Length;

    /// <summary>The grid points of an input of side <paramref name="size"/> (training crops are smaller than <see cref="InputSize"/>).</summary>
    public (float[] Centers, float[] Strides) AnchorsFor(int size) => AnchorsFor(size, size);

    /// <summary>The grid points of a <paramref name="width"/>×<paramref name="height"/> input, row by row per stride.</summary>
    public (float[] Centers, float[] Strides) AnchorsFor(int width, int height)
    {
        lock (_anchors)
        {
            if (!_anchors.TryGetValue((width, height), out var anchors))
            {
                anchors = MakeAnchors(width, height);
                _anchors.Add((width, height), anchors);
            }

            return anchors;
        }
    }

    /// <summary>
    /// Makes the export take a <paramref name="width"/>×<paramref name="height"/> input: the network is fully
    /// convolutional, so the same weights run on a rectangle that fits the footage better than a square.
    /// </summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of the coarsest stride.</exception>
    public void SetExportInput(int width, int height)
    {
        Blocks.CheckInput(width, height, Strides[^1]);
        ExportInput = (width, height);
    }

    /// <summary>
    /// Whether the export takes any input whose sides are multiples of the coarsest stride (symbolic <c>height</c> and
    /// <c>width</c>, grid points computed in the graph) rather than <see cref="ExportInput"/> only, which then is the
    /// nominal size: the runtime fits each source's aspect ratio within that many pixels (the card's <c>input.fit</c>).
    /// </summary>
    public bool FitInput { get; set; }

    /// <summary>ONNX metadata as Ultralytics writes it (class names, <c>imgsz</c> as [height, width]), so the runtime infers the layout without a card.</summary>
    public Dictionary<string, string> Metadata(IReadOnlyList<string> labels) => new()
    {
        ["names"] = "{" + string.Join(", ", labels.Select((l, i) => $"{i}: '{l}'")) + "}",
        ["imgsz"] = $"[{ExportInput.Height}, {ExportInput.Width}]",
        ["stride"] = Strides[^1].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["task"] = "detect",
    };

    /// <summary>The backbone's modules, for <c>--freeze backbone</c>.</summary>
    public IEnumerable<nn.Module> Backbone => [stem, stage2, stage3, stage4, stage5];

    /// <summary>Raw outputs: side distances in strides (after softplus) [B, 4, N] and class logits [B, C, N].</summary>
    public override (Tensor Distances, Tensor Logits) forward(Tensor input)
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

        Tensor[] levels = [p3, p4, p5];
        var boxes = new List<Tensor>();
        var logits = new List<Tensor>();
        for (var i = 0; i < levels.Length; i++)
        {
            var h = heads[i].forward(levels[i]);
            boxes.Add(boxOut[i].forward(h).flatten(2));
            logits.Add(clsOut[i].forward(h).flatten(2));
        }

        return (Softplus(cat(boxes, 2)), cat(logits, 2));
    }

    /// <summary>
    /// The <c>yolov8</c> layout: [B, 4 + C, N] with cx, cy, w, h in input pixels and sigmoid scores, for the
    /// outputs of a <paramref name="input"/> (width, height; default <see cref="InputSize"/> square).
    /// </summary>
    public Tensor Decode(Tensor distances, Tensor logits, (int Width, int Height)? input = null)
    {
        var (width, height) = input ?? (InputSize, InputSize);
        var anchors = AnchorsFor(width, height);
        var n = anchors.Strides.Length;
        var (matrix, offset) = DecodeConstants(anchors);
        using var m = tensor(matrix, [4, 4]);
        using var o = tensor(offset, [1, 4, n]);
        using var s = tensor(anchors.Strides, [1, 1, n]);
        var boxes = matmul(m, distances * s) + o;
        return cat([boxes, sigmoid(logits)], 1);
    }

    /// <summary>Emits the whole network with decoding into ONNX: input <c>images</c> [1,3,H,W] (<see cref="ExportInput"/>), output <c>output0</c> [1,4+C,N].</summary>
    public void Emit(OnnxGraphBuilder g)
    {
        var (width, height) = ExportInput;
        var anchors = AnchorsFor(width, height);
        var n = anchors.Strides.Length;
        if (FitInput)
        {
            g.Input("images", new object[] { 1L, 3L, "height", "width" });
        }
        else
        {
            g.Input("images", 1, 3, height, width);
        }
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

        string[] levels = [p3, p4, p5];
        var flat = g.Int64Initializer("flat_shape", [1, 0, -1]);
        var outputs = new string[levels.Length];
        var grids = new (string Offsets, string Strides)[levels.Length];
        for (var i = 0; i < levels.Length; i++)
        {
            // The box and class convolutions read the same features: one Conv with both outputs' filters
            // costs less than two on the CPU (each is padded to a multiple of 8 output channels).
            var h = heads[i].Emit(g, levels[i]);
            var conv = Blocks.EmitConv1x1(g, [boxOut[i], clsOut[i]], h, $"out{i}");
            outputs[i] = g.Node("Reshape", [conv, flat]);
            if (FitInput)
            {
                grids[i] = EmitGrid(g, conv, Strides[i]);
            }
        }

        var raw = g.Node("Concat", outputs, OnnxGraphBuilder.Int("axis", 2));
        var axis = g.Int64Initializer("axis1", [1]);
        var start = g.Int64Initializer("start0", [0]);
        var boxEnd = g.Int64Initializer("end4", [4]);
        var clsEnd = g.Int64Initializer("end_cls", [4 + _classes]);
        var distances = EmitSoftplus(g, g.Node("Slice", [raw, start, boxEnd, axis]));
        var scores = g.Node("Sigmoid", [g.Node("Slice", [raw, boxEnd, clsEnd, axis])]);
        var (matrix, offset) = DecodeConstants(anchors);
        var strides = FitInput
            ? g.Node("Concat", [.. grids.Select(l => l.Strides)], OnnxGraphBuilder.Int("axis", 2))
            : g.Initializer("strides", anchors.Strides, 1, 1, n);
        var offsets = FitInput
            ? g.Node("Concat", [.. grids.Select(l => l.Offsets)], OnnxGraphBuilder.Int("axis", 2))
            : g.Initializer("anchors", offset, 1, 4, n);
        var scaled = g.Node("Mul", [distances, strides]);
        var decoded = g.Node("Add", [g.Node("MatMul", [g.Initializer("decode", matrix, 4, 4), scaled]), offsets]);
        var output = g.Node("Concat", [decoded, scores], OnnxGraphBuilder.Int("axis", 1));
        if (FitInput)
        {
            g.Output(output, "output0", new object[] { 1L, (long)(4 + _classes), "anchors" });
        }
        else
        {
            g.Output(output, "output0", 1, 4 + _classes, n);
        }
    }

    /// <summary>
    /// The grid points of one level computed from its feature map's size, for an input of any size: offsets
    /// [1, 4, h·w] (the points' x and y in input pixels, then two rows of zeros, as <see cref="DecodeConstants"/>
    /// gives them) and the level's stride for each point, [1, 1, h·w], row by row as <see cref="MakeAnchors"/> lists
    /// them: (i + ½)·stride for i in Range(0, side) along each axis, spread over the map. Built from operations OpenCV
    /// DNN's importer folds once the input size is fixed (two-dimensional maps; it runs no CumSum on constants).
    /// </summary>
    private static (string Offsets, string Strides) EmitGrid(OnnxGraphBuilder g, string feature, int stride)
    {
        // [1, C, h, w] → h, w and [h, w]
        var shape = g.Node("Shape", [feature]);
        var size = g.Node("Slice", [shape, g.Int64Initializer("from2", [2]), g.Int64Initializer("to4", [4]), g.Int64Initializer("axis0", [0])]);
        var scale = g.Initializer("stride", [(float)stride]);
        var half = g.Initializer("half_stride", [stride / 2f]);
        string Centres(long axis)
        {
            var count = g.Node("Gather", [shape, g.Int64Scalar("dim", axis)]);
            var index = g.Node("Cast", [g.Node("Range", [g.Int64Scalar("zero", 0), count, g.Int64Scalar("one", 1)])], OnnxGraphBuilder.Int("to", 1));
            return g.Node("Add", [g.Node("Mul", [index, scale]), half]);
        }

        var x = g.Node("Expand", [g.Node("Reshape", [Centres(3), g.Int64Initializer("as_row", [1, -1])]), size]);
        var y = g.Node("Expand", [g.Node("Reshape", [Centres(2), g.Int64Initializer("as_column", [-1, 1])]), size]);
        var zeros = g.Node("ConstantOfShape", [size], OnnxGraphBuilder.FloatTensor("value", 0f));
        var filled = g.Node("ConstantOfShape", [size], OnnxGraphBuilder.FloatTensor("value", stride));
        var row = g.Int64Initializer("row", [1, 1, -1]);
        var zero = g.Node("Reshape", [zeros, row]);
        var offsets = g.Node("Concat", [g.Node("Reshape", [x, row]), g.Node("Reshape", [y, row]), zero, zero], OnnxGraphBuilder.Int("axis", 1));
        return (offsets, g.Node("Reshape", [filled, row]));
    }

    /// <summary>
    /// softplus(x) = max(x, 0) + log(1 + exp(−|x|)), built from scalar-free operations: TorchSharp's
    /// <c>softplus(beta, threshold)</c> makes temporary scalars that the GC may finalize mid-call.
    /// </summary>
    private static Tensor Softplus(Tensor x) => x.relu() + x.abs().neg().exp().log1p();

    /// <summary>
    /// The same softplus as elementwise Relu, Abs, Neg, Exp, Add, Log: ONNX Runtime's CPU <c>Softplus</c> kernel
    /// is scalar and single-threaded and took longer than these six vectorized ones on the 4 × 4,725 distances at 480 px.
    /// </summary>
    private static string EmitSoftplus(OnnxGraphBuilder g, string x)
    {
        var one = g.Initializer("one", [1f], 1);
        var tail = g.Node("Log", [g.Node("Add", [g.Node("Exp", [g.Node("Neg", [g.Node("Abs", [x])])]), one])]);
        return g.Node("Add", [g.Node("Relu", [x]), tail]);
    }

    /// <summary>
    /// [cx, cy, w, h] = M·[l, t, r, b] + [ax, ay, 0, 0]: cx = ax + (r − l)/2, cy = ay + (b − t)/2,
    /// w = l + r, h = t + b, with distances already multiplied by the stride.
    /// </summary>
    private static (float[] Matrix, float[] Offset) DecodeConstants((float[] Centers, float[] Strides) anchors)
    {
        float[] matrix =
        [
            -0.5f, 0, 0.5f, 0,
            0, -0.5f, 0, 0.5f,
            1, 0, 1, 0,
            0, 1, 0, 1,
        ];
        var n = anchors.Strides.Length;
        var offset = new float[4 * n];
        for (var i = 0; i < n; i++)
        {
            offset[i] = anchors.Centers[2 * i];
            offset[n + i] = anchors.Centers[2 * i + 1];
        }

        return (matrix, offset);
    }

    private static (float[] Centers, float[] Strides) MakeAnchors(int width, int height)
    {
        var centers = new List<float>();
        var strides = new List<float>();
        foreach (var stride in Strides)
        {
            for (var y = 0; y < height / stride; y++)
            {
                for (var x = 0; x < width / stride; x++)
                {
                    centers.Add((x + 0.5f) * stride);
                    centers.Add((y + 0.5f) * stride);
                    strides.Add(stride);
                }
            }
        }

        return ([.. centers], [.. strides]);
    }
}
