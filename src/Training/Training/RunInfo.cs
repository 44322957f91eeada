using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookout.Training.Training;

/// <summary>
/// <c>run.json</c> in a run folder: what was asked for when the run started (architecture, command line,
/// seed, data, sizes), so an export can name the network and record how it was trained.
/// </summary>
internal sealed record RunInfo
{
    public const string FileName = "run.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Arch { get; init; }

    public string? Command { get; init; }

    public int Seed { get; init; }

    public string? Data { get; init; }

    /// <summary>The folder whose val split scored the epochs, when not <see cref="Data"/> (<c>--val-data</c>).</summary>
    public string? ValData { get; init; }

    public int Imgsz { get; init; }

    /// <summary>Side of the training samples when they were windows of the input (<c>--crop</c>); null: whole inputs.</summary>
    public int? Crop { get; init; }

    public int Width { get; init; }

    /// <summary>The backbone's stem; null: <c>conv</c> (runs before the stem could be chosen).</summary>
    public string? Stem { get; init; }

    /// <summary>Channels at strides 4, 8, 16, 32 and of the heads; null: proportional to <see cref="Width"/>.</summary>
    public IReadOnlyList<int>? Channels { get; init; }

    /// <summary>Stride-1 blocks at stride 4; null: one.</summary>
    public int? Stride4Blocks { get; init; }

    /// <summary>Between backbone and heads; null: none (runs before the choice existed).</summary>
    public string? Neck { get; init; }

    /// <summary>Channels of the stride-4 detail beside the stride-8 head's input; null: none.</summary>
    public int? Detail { get; init; }

    /// <summary>The stride the detail reads (<c>--detail-from</c>); null: 4 (the default, and runs before the choice existed).</summary>
    public int? DetailFrom { get; init; }

    /// <summary>How the loss weighs objects (<c>--balance</c>); null: by points or priors (the default, and runs before the choice existed).</summary>
    public string? Balance { get; init; }

    /// <summary>The YOLO's class loss (<c>--cls-loss</c>); null: BCE (the default, and runs before the choice existed).</summary>
    public string? ClsLoss { get; init; }

    /// <summary>The fewest grid points a YOLO object is given (<c>--min-points</c>); null: 1 (the default, and runs before the choice existed).</summary>
    public int? MinPoints { get; init; }

    /// <summary>The fewest priors an SSD object is matched to (<c>--min-priors</c>); null: 1 (the default, and runs before the choice existed).</summary>
    public int? MinPriors { get; init; }

    /// <summary>Whether val mAP and <c>best.ckpt</c> are of the weights' moving average (<c>--ema</c>); null: not.</summary>
    public bool? Ema { get; init; }

    public int Epochs { get; init; }

    public int Batch { get; init; }

    public double Lr { get; init; }

    public string? Init { get; init; }

    public bool FreezeBackbone { get; init; }

    public string? StartedUtc { get; init; }

    /// <summary>Command lines of later <c>--resume</c> runs.</summary>
    public IReadOnlyList<string> Resumed { get; init; } = [];

    public static RunInfo FromOptions(TrainingOptions o) => new()
    {
        Arch = o.Arch,
        Command = o.CommandLine,
        Seed = o.Seed,
        Data = Path.GetFullPath(o.Data),
        ValData = o.ValData is null ? null : Path.GetFullPath(o.ValData),
        Imgsz = o.InputSize,
        Crop = o.Crop > 0 ? o.Crop : null,
        Width = o.Width,
        Stem = o.Stem,
        Channels = o.Channels,
        Stride4Blocks = o.Stride4Blocks,
        Neck = o.Neck,
        Detail = o.Detail is > 0 ? o.Detail : null,
        DetailFrom = o.DetailFrom is 2 ? 2 : null,
        Balance = o.Balance == TrainingOptions.BalancePoints ? null : o.Balance,
        ClsLoss = o.ClassLoss == TrainingOptions.ClassLossBce ? null : o.ClassLoss,
        MinPoints = o.MinPoints == 1 ? null : o.MinPoints,
        MinPriors = o.MinPriors == 1 ? null : o.MinPriors,
        Ema = o.Ema ? true : null,
        Epochs = o.Epochs,
        Batch = o.BatchSize,
        Lr = o.LearningRate,
        Init = o.Init,
        FreezeBackbone = o.FreezeBackbone,
        StartedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    /// <summary>The run folder's <c>run.json</c>, or null when it has none (a run made before it existed).</summary>
    public static RunInfo? TryRead(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty run record.")
            : null;
    }

    /// <summary>Copies the resumed run's record to <paramref name="outputDirectory"/> with the resume's command line added, when it has one.</summary>
    public static void RecordResume(string resumedDirectory, string outputDirectory, string? commandLine)
    {
        var info = TryRead(resumedDirectory);
        if (info is not null)
        {
            (commandLine is null ? info : info with { Resumed = [.. info.Resumed, commandLine] }).Write(outputDirectory);
        }
    }

    public void Write(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        var temp = path + ".partial";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
