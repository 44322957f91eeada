using Lookout.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>What the shapes networks share: running a stage of blocks, and emitting it or a 1×1 output convolution to ONNX.</summary>
internal static class Blocks
{
    /// <summary>The blocks of a stage, one after the other.</summary>
    public static Tensor Forward(ModuleList<DepthwiseSeparable> blocks, Tensor x)
    {
        foreach (var b in blocks)
        {
            x = b.forward(x);
        }

        return x;
    }

    /// <summary>The blocks of a stage as ONNX nodes; returns the last value's name.</summary>
    public static string Emit(OnnxGraphBuilder g, ModuleList<DepthwiseSeparable> blocks, string x)
    {
        foreach (var b in blocks)
        {
            x = b.Emit(g, x);
        }

        return x;
    }

    /// <summary>A 1×1 convolution with bias (an output head) as an ONNX Conv.</summary>
    public static string EmitConv1x1(OnnxGraphBuilder g, Conv2d conv, string input, string hint)
    {
        using var noGrad = no_grad();
        var w = g.Initializer(hint + "_w", conv.weight!.contiguous().data<float>().ToArray(), conv.weight.shape);
        var b = g.Initializer(hint + "_b", conv.bias!.contiguous().data<float>().ToArray(), conv.bias.shape);
        return g.Node("Conv", [input, w, b], OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
    }
}
