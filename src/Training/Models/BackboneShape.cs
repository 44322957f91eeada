using System.Globalization;
using TorchSharp.Modules;

namespace Lookout.Training.Models;

/// <summary>
/// The depthwise-separable backbone both shapes networks share, as numbers: its stem and the channels at
/// strides 4, 8, 16 and 32 and of the detection heads. The <c>conv</c> stem is a 3×3 stride-2 convolution
/// to <see cref="StemChannels"/> followed by a stride-2 block to <see cref="C4"/>; the <c>patch2</c> stem is the
/// same with a 2×2 stride-2 convolution over non-overlapping pixel pairs in place of the 3×3 one (12 weights per
/// output channel instead of 27 on the network's largest grid; the block after it overlaps them); the <c>patch</c> stem is
/// one 4×4 stride-4 convolution over non-overlapping patches straight to <see cref="C4"/> — cheaper on the
/// CPU (the 3-channel full-resolution convolution was the network's costliest node), which leaves time for
/// wider stages at strides 8 to 32 within the same latency.
/// </summary>
/// <remarks>
/// <see cref="Detail"/> adds a 2×2 stride-2 convolution from the stride-4 features to that many
/// channels, set beside the stride-8 features the stride-8 head (the SSD's first head) reads: the head that names the small objects
/// then sees the stride-4 detail that the stride-8 stage's strided depthwise convolution samples away.
/// With <see cref="DetailFrom"/> 2 it is a 4×4 stride-4 convolution of the stem's stride-2 output instead.
/// </remarks>
internal sealed record BackboneShape(string Stem, int StemChannels, int C4, int C8, int C16, int C32, int Head, int Stride4Blocks = 1, string Neck = BackboneShape.NoNeck, int Detail = 0, int DetailFrom = 4)
{
    /// <summary>The most <see cref="Detail"/> channels.</summary>
    public const int MaxDetail = 256;

    /// <summary>The most stride-1 blocks at stride 4 (<c>s2b</c>, <c>s2c</c>).</summary>
    public const int MaxStride4Blocks = 2;

    public const string ConvStem = "conv";
    public const string PatchStem = "patch";
    public const string Patch2Stem = "patch2";

    public static IReadOnlyList<string> Stems { get; } = [ConvStem, Patch2Stem, PatchStem];

    public const string NoNeck = "none";
    public const string FpnNeck = "fpn";

    /// <summary>What lies between the backbone and the heads: nothing, or a <see cref="TopDownNeck"/>.</summary>
    public static IReadOnlyList<string> Necks { get; } = [NoNeck, FpnNeck];

    public bool HasFpn => Neck == FpnNeck;

    /// <summary>The original proportions: a <c>conv</c> stem of <paramref name="width"/>, then 2, 3, 6 and 8 × width, heads 4 × width.</summary>
    public static BackboneShape FromWidth(int width) => new(ConvStem, width, 2 * width, 3 * width, 6 * width, 8 * width, 4 * width);

    /// <summary>
    /// <paramref name="width"/>'s proportions with the given <paramref name="stem"/> and, when given,
    /// <paramref name="channels"/> (C4, C8, C16, C32, heads) in place of the proportional ones and
    /// <paramref name="stride4Blocks"/> stride-1 blocks at stride 4 in place of one.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown stem, not five channel counts from 4 to 1024, or a block or detail count out of range.</exception>
    public static BackboneShape Create(int width, string? stem, IReadOnlyList<int>? channels, int? stride4Blocks = null, string? neck = null, int? detail = null, int? detailFrom = null)
    {
        var shape = FromWidth(width);
        if (detailFrom is { } from)
        {
            if (from is not (2 or 4))
            {
                throw new ArgumentException($"the detail's source stride {from} must be 2 or 4.", nameof(detailFrom));
            }

            if (from == 2 && stem == PatchStem)
            {
                throw new ArgumentException("the detail cannot come from stride 2 with the patch stem, which starts at stride 4.", nameof(detailFrom));
            }

            shape = shape with { DetailFrom = from };
        }

        if (detail is { } d)
        {
            if (d < 0 || d > MaxDetail)
            {
                throw new ArgumentException($"detail channels {d} must be from 0 to {MaxDetail}.", nameof(detail));
            }

            shape = shape with { Detail = d };
        }

        if (neck is not null)
        {
            if (!Necks.Contains(neck))
            {
                throw new ArgumentException($"neck '{neck}' must be {string.Join(" or ", Necks)}.", nameof(neck));
            }

            shape = shape with { Neck = neck };
        }

        if (stride4Blocks is { } blocks)
        {
            if (blocks < 0 || blocks > MaxStride4Blocks)
            {
                throw new ArgumentException($"stride-4 blocks {blocks} must be from 0 to {MaxStride4Blocks}.", nameof(stride4Blocks));
            }

            shape = shape with { Stride4Blocks = blocks };
        }

        if (stem is not null)
        {
            if (!Stems.Contains(stem))
            {
                throw new ArgumentException($"stem '{stem}' must be {string.Join(" or ", Stems)}.", nameof(stem));
            }

            shape = shape with { Stem = stem };
        }

        if (channels is not null)
        {
            if (channels.Count != 5 || channels.Any(c => c < 4 || c > 1024))
            {
                throw new ArgumentException($"channels '{string.Join(',', channels)}' must be five counts from 4 to 1024: strides 4, 8, 16, 32 and the heads.", nameof(channels));
            }

            shape = shape with { C4 = channels[0], C8 = channels[1], C16 = channels[2], C32 = channels[3], Head = channels[4] };
        }

        return shape;
    }

    /// <summary>C4, C8, C16, C32 and the heads, as <c>--channels</c> takes them.</summary>
    public IReadOnlyList<int> Channels => [C4, C8, C16, C32, Head];

    /// <summary>For the model card: the stem and the channels per stride.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Stem switch { PatchStem => "4x4 stride-4 patch stem", Patch2Stem => $"2x2 stride-2 patch stem of {StemChannels} and a stride-2 block", _ => $"3x3 stride-2 stem of {StemChannels} and a stride-2 block" }}, {Stride4Blocks} stride-1 block{(Stride4Blocks == 1 ? "" : "s")} at stride 4, channels {C4}/{C8}/{C16}/{C32} at strides 4/8/16/32, {(HasFpn ? "top-down FPN neck, " : "")}{(Detail > 0 ? $"stride-{DetailFrom} detail of {Detail} beside the stride-8 head's input, " : "")}heads {Head}");

    /// <summary>
    /// The detail beside the stride-8 head's input (null without one): a convolution of the stride-4 features
    /// (2×2, stride 2) or of the stem's stride-2 output (4×4, stride 4), which sees every position of its source.
    /// </summary>
    public ConvBnAct? BuildDetail() => Detail <= 0 ? null
        : DetailFrom == 2 ? new ConvBnAct("detail", StemChannels, Detail, 4, 4)
        : new ConvBnAct("detail", C4, Detail, 2, 2);

    /// <summary>
    /// The stem and stages 2 (stride 4) to 5 (stride 32). Module names are the same for both stems where the
    /// layers are (<c>stem</c>, <c>s2b</c>, <c>s3a</c> …), so checkpoints of one shape load into the same shape
    /// of either network. Stage 2 is the <c>conv</c> stem's stride-2 block (<c>s2a</c>), if any, and then
    /// <see cref="Stride4Blocks"/> stride-1 blocks.
    /// </summary>
    public (ConvBnAct Stem, ModuleList<DepthwiseSeparable> Stage2, ModuleList<DepthwiseSeparable> Stage3, ModuleList<DepthwiseSeparable> Stage4, ModuleList<DepthwiseSeparable> Stage5) Build()
    {
        var stem = Stem switch
        {
            PatchStem => new ConvBnAct("stem", 3, C4, 4, 4),
            Patch2Stem => new ConvBnAct("stem", 3, StemChannels, 2, 2),
            _ => new ConvBnAct("stem", 3, StemChannels, 3, 2),
        };
        var stride4 = new List<DepthwiseSeparable>();
        if (Stem != PatchStem)
        {
            stride4.Add(new DepthwiseSeparable("s2a", StemChannels, C4, 2));
        }

        for (var i = 0; i < Stride4Blocks; i++)
        {
            stride4.Add(new DepthwiseSeparable($"s2{(char)('b' + i)}", C4, C4, 1));
        }

        var stage2 = new ModuleList<DepthwiseSeparable>([.. stride4]);
        var stage3 = new ModuleList<DepthwiseSeparable>(new DepthwiseSeparable("s3a", C4, C8, 2), new DepthwiseSeparable("s3b", C8, C8, 1), new DepthwiseSeparable("s3c", C8, C8, 1));
        var stage4 = new ModuleList<DepthwiseSeparable>(new DepthwiseSeparable("s4a", C8, C16, 2), new DepthwiseSeparable("s4b", C16, C16, 1), new DepthwiseSeparable("s4c", C16, C16, 1));
        var stage5 = new ModuleList<DepthwiseSeparable>(new DepthwiseSeparable("s5a", C16, C32, 2), new DepthwiseSeparable("s5b", C32, C32, 1));
        return (stem, stage2, stage3, stage4, stage5);
    }
}
