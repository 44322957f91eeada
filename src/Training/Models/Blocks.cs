using Lookout.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>What the shapes networks share: running a stage of blocks, and emitting it or a 1×1 output convolution to ONNX.</summary>
internal static class Blocks
{
    /// <summary>Checks an export input: both sides positive multiples of the coarsest stride.</summary>
    /// <exception cref="ArgumentException">A side is not.</exception>
    public static void CheckInput(int width, int height, int multiple)
    {
        if (width <= 0 || height <= 0 || width % multiple != 0 || height % multiple != 0)
        {
            throw new ArgumentException($"the input {width}x{height} must have sides that are positive multiples of {multiple}.");
        }
    }

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
    public static string EmitConv1x1(OnnxGraphBuilder g, Conv2d conv, string input, string hint) => EmitConv1x1(g, [conv], input, hint);

    /// <summary>1×1 convolutions with bias over the same input as one ONNX Conv whose output channels are theirs, in order.</summary>
    public static string EmitConv1x1(OnnxGraphBuilder g, IReadOnlyList<Conv2d> convs, string input, string hint)
    {
        using var noGrad = no_grad();
        var inChannels = convs[0].weight!.shape[1];
        var outChannels = convs.Sum(c => c.weight!.shape[0]);
        var w = g.Initializer(hint + "_w", [.. convs.SelectMany(c => c.weight!.contiguous().data<float>().ToArray())], outChannels, inChannels, 1, 1);
        var b = g.Initializer(hint + "_b", [.. convs.SelectMany(c => c.bias!.contiguous().data<float>().ToArray())], outChannels);
        return g.Node("Conv", [input, w, b], OnnxGraphBuilder.Ints("kernel_shape", 1, 1));
    }
}
