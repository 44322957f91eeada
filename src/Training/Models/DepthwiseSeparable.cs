using Lookout.Training.Export;
using static TorchSharp.torch;

namespace Lookout.Training.Models;

/// <summary>Depthwise 3×3 (carrying the stride) then pointwise 1×1, each with BatchNorm and ReLU (MobileNet v1 block).</summary>
internal sealed class DepthwiseSeparable : nn.Module<Tensor, Tensor>
{
    private readonly ConvBnAct depthwise;
    private readonly ConvBnAct pointwise;

    public DepthwiseSeparable(string name, int inChannels, int outChannels, int stride)
        : base(name)
    {
        depthwise = new ConvBnAct(name + "_dw", inChannels, inChannels, 3, stride, groups: inChannels);
        pointwise = new ConvBnAct(name + "_pw", inChannels, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => pointwise.forward(depthwise.forward(input));

    public string Emit(OnnxGraphBuilder g, string input) => pointwise.Emit(g, depthwise.Emit(g, input));
}
