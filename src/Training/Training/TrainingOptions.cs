using Lookout.Training.Models;

namespace Lookout.Training.Training;

/// <summary>What <c>lookout-train train</c> was asked to do.</summary>
internal sealed record TrainingOptions
{
    public required string Data { get; init; }

    /// <summary>The VOC folder whose <c>val</c> split scores each epoch (null: <see cref="Data"/>'s, if it has one).</summary>
    public string? ValData { get; init; }

    public required string Output { get; init; }

    /// <summary>The network: <c>yolo</c> or <c>ssd</c> (<see cref="DetectorArch"/>).</summary>
    public string Arch { get; init; } = DetectorArch.Yolo;

    /// <summary>The command line that asked for this run, recorded in <c>run.json</c> (null: not known).</summary>
    public string? CommandLine { get; init; }

    public int Epochs { get; init; } = 60;

    public int BatchSize { get; init; } = 16;

    public double LearningRate { get; init; } = 2e-3;

    public double WeightDecay { get; init; } = 5e-4;

    public int WarmupSteps { get; init; } = 300;

    public int InputSize { get; init; } = 320;

    /// <summary>Side of the training samples (0: <see cref="InputSize"/>); smaller: windows of the letterboxed image at the input size's scale.</summary>
    public int Crop { get; init; }

    /// <summary>The side of a training sample.</summary>
    public int TrainSize => Crop > 0 ? Crop : InputSize;

    public int Width { get; init; } = 16;

    /// <summary>The backbone's stem (<see cref="BackboneShape.Stems"/>; null: <c>conv</c>).</summary>
    public string? Stem { get; init; }

    /// <summary>Channels at strides 4, 8, 16, 32 and of the heads (null: proportional to <see cref="Width"/>).</summary>
    public IReadOnlyList<int>? Channels { get; init; }

    /// <summary>Stride-1 blocks at stride 4 (null: one).</summary>
    public int? Stride4Blocks { get; init; }

    /// <summary>Between backbone and heads (<see cref="BackboneShape.Necks"/>; null: none).</summary>
    public string? Neck { get; init; }

    /// <summary>Channels of the stride-4 detail beside the stride-8 head's input (null: none).</summary>
    public int? Detail { get; init; }

    /// <summary>The stride the detail reads, 2 (the stem's output) or 4 (null: 4).</summary>
    public int? DetailFrom { get; init; }

    public BackboneShape Shape => BackboneShape.Create(Width, Stem, Channels, Stride4Blocks, Neck, Detail, DetailFrom);

    public int Seed { get; init; } = 1;

    public const string BalancePoints = "points";
    public const string BalanceObjects = "objects";

    /// <summary>The <c>--balance</c> choices, by power of the object's point or prior count (see <see cref="ITrainableDetector.BalancePower"/>).</summary>
    public static IReadOnlyDictionary<string, float> BalanceChoices { get; } = new Dictionary<string, float>
    {
        [BalancePoints] = 0f,
        ["sqrt"] = 0.5f,
        [BalanceObjects] = 1f,
    };

    public static float BalancePowerOf(string balance) => BalanceChoices[balance];

    /// <summary>How the loss weighs objects by their grid points or priors: a key of <see cref="BalanceChoices"/>.</summary>
    public string Balance { get; init; } = BalancePoints;

    public const string ClassLossBce = "bce";
    public const string ClassLossFocal = "focal";

    /// <summary>The <c>--cls-loss</c> choices (YOLO): see <see cref="YoloLoss.Focal"/>.</summary>
    public static IReadOnlyList<string> ClassLossChoices { get; } = [ClassLossBce, ClassLossFocal];

    /// <summary>The YOLO's class loss: a key of <see cref="ClassLossChoices"/>.</summary>
    public string ClassLoss { get; init; } = ClassLossBce;

    /// <summary>The most <see cref="MinPoints"/>.</summary>
    public const int MaxMinPoints = 4;

    /// <summary>The fewest grid points a YOLO object is given (<see cref="YoloLoss.MinPoints"/>; <c>--min-points</c>).</summary>
    public int MinPoints { get; init; } = 1;

    /// <summary>The most <see cref="MinPriors"/>.</summary>
    public const int MaxMinPriors = 16;

    /// <summary>The fewest priors an SSD object is matched to (<see cref="MultiBoxLoss.MinPriors"/>; <c>--min-priors</c>).</summary>
    public int MinPriors { get; init; } = 1;

    /// <summary>Validate, keep and export a moving average of the weights (<see cref="WeightAverage"/>; <c>--ema</c>).</summary>
    public bool Ema { get; init; }

    /// <summary>Stop after this many epochs without a better val mAP50-95.</summary>
    public int Patience { get; init; } = 12;

    /// <summary>Stop after this many optimizer steps (0: no limit), for smoke runs.</summary>
    public int MaxSteps { get; init; }

    /// <summary>Images of the val split used per evaluation (0: all).</summary>
    public int ValImages { get; init; }

    public string? Resume { get; init; }

    public string? Init { get; init; }

    public bool FreezeBackbone { get; init; }
}
