using Lookout.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>Convolution (no bias) + BatchNorm + optional ReLU; exported as one Conv with the BatchNorm folded in.</summary>
internal sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly bool _relu;
    private readonly int _kernel;
    private readonly int _stride;
    private readonly int _groups;

    public ConvBnAct(string name, int inChannels, int outChannels, int kernel, int stride = 1, int groups = 1, bool relu = true)
        : base(name)
    {
        _relu = relu;
        _kernel = kernel;
        _stride = stride;
        _groups = groups;
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, groups: groups, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var y = bn.forward(conv.forward(input));
        return _relu ? nn.functional.relu(y) : y;
    }

    /// <summary>Emits Conv (+ Relu) with W' = W·γ/σ and b' = β − μ·γ/σ, σ = sqrt(var + eps).</summary>
    public string Emit(OnnxGraphBuilder g, string input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scale = bn.weight! / sqrt(bn.running_var! + bn.eps);
        var weight = conv.weight! * scale.reshape(-1, 1, 1, 1);
        var bias = bn.bias! - bn.running_mean! * scale;
        var w = g.Initializer(GetName() + "_w", weight.contiguous().data<float>().ToArray(), weight.shape);
        var b = g.Initializer(GetName() + "_b", bias.contiguous().data<float>().ToArray(), bias.shape);
        var pad = _kernel / 2;
        var y = g.Node(
            "Conv",
            [input, w, b],
            OnnxGraphBuilder.Ints("kernel_shape", _kernel, _kernel),
            OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", pad, pad, pad, pad),
            OnnxGraphBuilder.Int("group", _groups));
        return _relu ? g.Node("Relu", [y]) : y;
    }
}
