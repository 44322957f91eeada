using Lookout.Detection;
using Lookout.Training.Export;
using Lookout.Training.Models;
using Lookout.Training.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Export;

public sealed class SsdExportTests : IDisposable
{
    private static readonly string[] Labels = ["circle", "triangle", "square", "star", "hexagon", "cross"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"lookout-ssd-export-{Guid.NewGuid():N}");

    public SsdExportTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(128, 128, 1360, "none")]
    [InlineData(192, 128, 2040, "none")]
    [InlineData(192, 128, 2040, "fpn")]
    [InlineData(192, 128, 2040, "patch2+detail")]
    [InlineData(192, 128, 2040, "patch2+detail2")]
    public void Export_SsdNet_OnnxRuntimeMatchesTorchSharpWithin1e4(int width, int height, int priors, string extra)
    {
        TorchRuntime.Initialize();
        random.manual_seed(4);
        var shape = extra.StartsWith("patch2+detail", StringComparison.Ordinal)
            ? BackboneShape.Create(8, "patch2", null, detail: 8, detailFrom: extra.EndsWith('2') ? 2 : null)
            : BackboneShape.Create(8, null, null, neck: extra);
        using var detector = new SsdTrainableDetector(Labels.Length, shape, inputSize: 128);
        var net = detector.Net;
        // A few training-mode passes move the BatchNorm statistics away from 0/1, so folding is really tested.
        net.train();
        using (no_grad())
        {
            for (var i = 0; i < 3; i++)
            {
                using var warm = rand(2, 3, 128, 128) * 2;
                _ = net.forward(warm);
            }
        }

        net.eval();
        detector.SetExportInput(width, height);
        using var input = rand(1, 3, height, width);
        float[] expectedBoxes, expectedScores;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var (o, l) = net.forward(input);
            var (b, s) = net.Decode(o, l, (width, height));
            expectedBoxes = b.contiguous().data<float>().ToArray();
            expectedScores = s.contiguous().data<float>().ToArray();
        }

        var path = Path.Combine(_dir, "ssd.onnx");
        OnnxExporter.Export(detector, path, Labels);

        using var session = new InferenceSession(path);
        var data = input.contiguous().data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", new DenseTensor<float>(data, [1, 3, height, width]))]);
        var boxes = results.Single(r => r.Name == "boxes").AsTensor<float>();
        var scores = results.Single(r => r.Name == "scores").AsTensor<float>();
        // Cells at strides 8, 16, 32, 64 × 4 priors: (16² + 8² + 4² + 2²) × 4 at 128², (24·16 + 12·8 + 6·4 + 3·2) × 4 at 192×128.
        Assert.Equal([1, priors, 4], boxes.Dimensions.ToArray());
        Assert.Equal([1, priors, Labels.Length + 1], scores.Dimensions.ToArray());
        var boxDiff = expectedBoxes.Zip(boxes.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        var scoreDiff = expectedScores.Zip(scores.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(boxDiff <= 1e-4f, $"boxes: max abs diff {boxDiff}");
        Assert.True(scoreDiff <= 1e-4f, $"scores: max abs diff {scoreDiff}");
    }

    [Fact]
    public void Export_SsdWithCard_RuntimeDetectorReturnsPriorsInImagePixels()
    {
        TorchRuntime.Initialize();
        random.manual_seed(5);
        using var detector = new SsdTrainableDetector(Labels.Length, width: 8, inputSize: 128);
        var net = detector.Net;
        // Pin the outputs: no offsets anywhere (boxes are the priors), and only the stride-64 level's first
        // prior type (a square of 0.55 × 128 = 70.4 px) scores "star" with softmax e⁵ / (e⁵ + 6) = 0.96;
        // every other prior scores 1/7 < 0.25.
        using (no_grad())
        {
            foreach (var conv in net.LocOutputs.Concat(net.ConfOutputs))
            {
                conv.weight!.zero_();
                conv.bias!.zero_();
            }

            var star = Array.IndexOf(Labels, "star");
            net.ConfOutputs[3].bias![1 + star].fill_(5f);
        }

        var model = Path.Combine(_dir, "ssd.onnx");
        OnnxExporter.Export(detector, model, Labels);
        ModelCardWriter.Write(ModelCardWriter.CardPath(model), detector, Labels, training: null);

        using var runtime = OnnxDetector.Open(new DetectorOptions { ModelPath = model, Device = ExecutionDevice.Cpu, IntraOpThreads = 1, IouThreshold = 0.99f });
        using var image = new Mat(360, 640, MatType.CV_8UC3, Scalar.All(90));
        var detections = runtime.Detect(image);

        Assert.Equal(ModelLayout.Ssd, runtime.Layout);
        // The 2×2 cells of the stride-64 map: centres at 32 and 96 input px, half size 35.2 px. Letterbox
        // 640×360 → 128×72 at scale 0.2, 28 px padding on top; x = (c ± 35.2) / 0.2, y = (c ± 35.2 − 28) / 0.2.
        var expected = new List<BoxF>();
        foreach (var cy in new[] { 32f, 96f })
        {
            foreach (var cx in new[] { 32f, 96f })
            {
                expected.Add(new BoxF((cx - 35.2f) / 0.2f, (cy - 35.2f - 28) / 0.2f, (cx + 35.2f) / 0.2f, (cy + 35.2f - 28) / 0.2f).Clip(640, 360));
            }
        }

        Assert.Equal(4, detections.Length);
        Assert.All(detections, d =>
        {
            Assert.Equal("star", d.Label);
            Assert.Equal(MathF.Exp(5) / (MathF.Exp(5) + 6), d.Score, 3);
            Assert.Contains(expected, e => Math.Abs(e.X1 - d.Box.X1) < 0.5f && Math.Abs(e.Y1 - d.Box.Y1) < 0.5f && Math.Abs(e.X2 - d.Box.X2) < 0.5f && Math.Abs(e.Y2 - d.Box.Y2) < 0.5f);
        });
    }
}
