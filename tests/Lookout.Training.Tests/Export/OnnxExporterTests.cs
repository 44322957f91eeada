using Lookout.Training.Export;
using Lookout.Training.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Export;

public sealed class OnnxExporterTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lookout-export-{Guid.NewGuid():N}.onnx");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(128, 128, "conv", "none")]
    [InlineData(160, 96, "conv", "none")]
    [InlineData(160, 96, "patch", "none")]
    [InlineData(160, 96, "patch2", "none")]
    [InlineData(160, 96, "patch2", "detail")]
    [InlineData(160, 96, "conv", "detail2")]
    [InlineData(160, 96, "conv", "fpn")]
    public void Export_YoloNet_OnnxRuntimeMatchesTorchSharpWithin1e4(int width, int height, string stem, string extra)
    {
        TorchRuntime.Initialize();
        random.manual_seed(3);
        using var net = new YoloShapesNet(6, BackboneShape.Create(8, stem, stem == "patch" ? [16, 24, 40, 48, 16] : null, neck: extra == "fpn" ? "fpn" : null, detail: extra.StartsWith("detail", StringComparison.Ordinal) ? 8 : null, detailFrom: extra == "detail2" ? 2 : null), inputSize: 128);
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
        net.SetExportInput(width, height);
        using var input = rand(1, 3, height, width);
        var expected = TorchOutput(net, input, width, height);

        OnnxExporter.Export(net, _path, ["circle", "triangle", "square", "star", "hexagon", "cross"]);

        using var session = new InferenceSession(_path);
        var data = input.contiguous().data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", new DenseTensor<float>(data, [1, 3, height, width]))]);
        var output = results.Single(r => r.Name == "output0").AsTensor<float>();
        Assert.Equal([1, 10, net.AnchorsFor(width, height).Strides.Length], output.Dimensions.ToArray());
        var actual = output.ToArray();
        var maxDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4f, $"max abs diff {maxDiff}");
        Assert.Equal("detect", session.ModelMetadata.CustomMetadataMap["task"]);
        Assert.Equal($"[{height}, {width}]", session.ModelMetadata.CustomMetadataMap["imgsz"]);
    }

    [Fact]
    public void Export_YoloNetWithFitInput_OnnxRuntimeMatchesTorchSharpAtOtherSizes()
    {
        TorchRuntime.Initialize();
        random.manual_seed(4);
        using var net = new YoloShapesNet(6, BackboneShape.Create(8, "patch2", null, detail: 8), inputSize: 128);
        net.eval();
        net.SetExportInput(160, 96);
        net.FitInput = true;
        OnnxExporter.Export(net, _path, ["circle", "triangle", "square", "star", "hexagon", "cross"]);

        using var session = new InferenceSession(_path);
        Assert.Equal(["", "", "height", "width"], session.InputMetadata["images"].SymbolicDimensions);
        foreach (var (width, height) in new[] { (160, 96), (96, 160), (224, 64) })
        {
            using var input = rand(1, 3, height, width);
            var expected = TorchOutput(net, input, width, height);

            var data = input.contiguous().data<float>().ToArray();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", new DenseTensor<float>(data, [1, 3, height, width]))]);
            var output = results.Single(r => r.Name == "output0").AsTensor<float>();
            Assert.Equal([1, 10, net.AnchorsFor(width, height).Strides.Length], output.Dimensions.ToArray());
            var maxDiff = expected.Zip(output.ToArray(), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDiff <= 1e-4f, $"{width}x{height}: max abs diff {maxDiff}");
        }
    }

    /// <summary>The network's decoded <c>yolov8</c>-layout output for <paramref name="input"/>, as TorchSharp computes it.</summary>
    private static float[] TorchOutput(YoloShapesNet net, TorchSharp.torch.Tensor input, int width, int height)
    {
        using var noGrad = no_grad();
        var (d, l) = net.forward(input);
        using var decoded = net.Decode(d, l, (width, height));
        var values = decoded.contiguous().data<float>().ToArray();
        d.Dispose();
        l.Dispose();
        return values;
    }
}
