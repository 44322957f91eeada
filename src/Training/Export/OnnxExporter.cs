using Google.Protobuf;
using Lookout.Training.Models;
using Lookout.Training.Training;

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
        Write(g, net.Metadata(labels), path);
    }

    /// <summary>Exports any <paramref name="detector"/> in eval mode, BatchNorm folded, in its runtime layout.</summary>
    public static void Export(ITrainableDetector detector, string path, IReadOnlyList<string> labels)
    {
        detector.Module.eval();
        var g = new OnnxGraphBuilder();
        detector.Emit(g);
        Write(g, detector.Metadata(labels), path);
    }

    private static void Write(OnnxGraphBuilder g, IReadOnlyDictionary<string, string> metadata, string path)
    {
        var model = g.ToModel(metadata);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".partial";
        using (var stream = File.Create(temp))
        {
            model.WriteTo(stream);
        }

        File.Move(temp, path, overwrite: true);
    }
}
