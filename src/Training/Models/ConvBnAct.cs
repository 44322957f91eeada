using Lookout.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>Convolution (no bias) + BatchNorm + optional ReLU; exported as one Conv with the BatchNorm folded in.</summary>
/// <remarks>
/// The BatchNorm runs through <c>functional.batch_norm</c> rather than <c>BatchNorm2d.forward</c>: the
/// latter counts batches with <c>num_batches_tracked.add_(1)</c>, whose temporary <see cref="Scalar"/> can be
/// finalized by the GC while libtorch still reads it ("Unknown scalar type" mid-training). The count is
/// kept here with a scalar that lives as long as the process; the running statistics use the fixed momentum.
/// </remarks>
internal sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    private static readonly Scalar OneBatch = 1.ToScalar();

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
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: Padding(kernel, stride), groups: groups, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = conv.forward(input);
        if (training)
        {
            using (no_grad())
            {
                bn.num_batches_tracked?.add_(OneBatch);
            }
        }

        var y = nn.functional.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, training, bn.momentum ?? 0.1, bn.eps);
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
        var pad = Padding(_kernel, _stride);
        var y = g.Node(
            "Conv",
            [input, w, b],
            OnnxGraphBuilder.Ints("kernel_shape", _kernel, _kernel),
            OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", pad, pad, pad, pad),
            OnnxGraphBuilder.Int("group", _groups));
        return _relu ? g.Node("Relu", [y]) : y;
    }

    /// <summary>"Same" padding, except none when the kernel equals the stride (non-overlapping patches).</summary>
    private static int Padding(int kernel, int stride) => kernel == stride ? 0 : kernel / 2;
}
