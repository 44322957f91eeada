using Google.Protobuf;
using Lookout.Training.Models;

namespace Lookout.Training.Export;

/// <summary>Writes a trained network as ONNX from its own module structure (TorchSharp has no exporter).</summary>
internal static class OnnxExporter
{
    /// <summary>Exports <paramref name="net"/> in eval mode, BatchNorm folded, to <paramref name="path"/> (temporary name, renamed when complete).</summary>
    public static void Export(YoloShapesNet net, string path, IReadOnlyList<string> labels)
    {
        net.eval();
        var g = new OnnxGraphBuilder();
        net.Emit(g);
        var metadata = new Dictionary<string, string>
        {
            ["names"] = "{" + string.Join(", ", labels.Select((l, i) => $"{i}: '{l}'")) + "}",
            ["imgsz"] = $"[{net.InputSize}, {net.InputSize}]",
            ["stride"] = "32",
            ["task"] = "detect",
        };
        var model = g.ToModel(metadata);
        var temp = path + ".partial";
        using (var stream = File.Create(temp))
        {
            model.WriteTo(stream);
        }

        File.Move(temp, path, overwrite: true);
    }
}
