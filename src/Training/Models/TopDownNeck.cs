using Lookout.Training.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>
/// A light top-down feature pyramid (FPN, Lin et al. 2017) between the backbone and the heads (<c>--neck fpn</c>):
/// the stride-32 features, brought to the stride-16 channels by a 1×1 convolution (BatchNorm, ReLU) and upsampled 2×
/// (nearest), are added to the stride-16 features; the sum, the same way, to the stride-8 features. The stride-8 head,
/// which finds the small objects, then reads features as deep as the coarsest level's, not only the shallow ones of
/// its own stride. The coarse levels pass through unchanged.
/// </summary>
internal sealed class TopDownNeck : nn.Module
{
    private readonly ConvBnAct lateral32;
    private readonly ConvBnAct lateral16;

    public TopDownNeck(BackboneShape shape)
        : base("neck")
    {
        lateral32 = new ConvBnAct("fpn32", shape.C32, shape.C16, 1);
        lateral16 = new ConvBnAct("fpn16", shape.C16, shape.C8, 1);
        RegisterComponents();
    }

    /// <summary>The stride-8 and stride-16 features with the coarser ones added.</summary>
    public (Tensor P3, Tensor P4) Forward(Tensor p3, Tensor p4, Tensor p5)
    {
        var q4 = p4 + Upsample(lateral32.forward(p5));
        var q3 = p3 + Upsample(lateral16.forward(q4));
        return (q3, q4);
    }

    public (string P3, string P4) Emit(OnnxGraphBuilder g, string p3, string p4, string p5)
    {
        var q4 = g.Node("Add", [p4, EmitUpsample(g, lateral32.Emit(g, p5))]);
        var q3 = g.Node("Add", [p3, EmitUpsample(g, lateral16.Emit(g, q4))]);
        return (q3, q4);
    }

    private static Tensor Upsample(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);

    /// <summary>Nearest 2× as torch does it: output pixel i reads input pixel ⌊i / 2⌋.</summary>
    private static string EmitUpsample(OnnxGraphBuilder g, string x) => g.Node(
        "Resize",
        [x, string.Empty, g.Initializer("up2", [1f, 1f, 2f, 2f], 4)],
        OnnxGraphBuilder.String("mode", "nearest"),
        OnnxGraphBuilder.String("coordinate_transformation_mode", "asymmetric"),
        OnnxGraphBuilder.String("nearest_mode", "floor"));
}
