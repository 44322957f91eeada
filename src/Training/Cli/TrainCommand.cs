using System.Globalization;
using Lookout.Training.Export;
using Lookout.Training.Training;

namespace Lookout.Training.Cli;

/// <summary>
/// <c>train --data VOC_DIR --out RUN_DIR [...]</c> trains a shapes detector (<c>--arch yolo|ssd</c>);
/// <c>export --checkpoint CKPT --out MODEL.onnx [...]</c> writes it as ONNX in its runtime layout
/// (yolov8 or ssd) with its model card <c>MODEL.json</c> beside it.
/// </summary>
internal static class TrainCommand
{
    public const string Usage =
        "lookout-train train --data VOC_DIR [--val-data VOC_DIR] --out RUN_DIR [--arch yolo|ssd] [--epochs 60] [--batch 16] [--lr 0.002] [--imgsz 320] [--crop N] [--width 16]\n" +
        "                    [--balance points|sqrt|objects] [--ema] [--cls-loss bce|focal] [--min-points 1] [--min-priors 1]\n" +
        "                    [--stem conv|patch2|patch] [--channels C4,C8,C16,C32,HEAD] [--stride4-blocks 1] [--neck none|fpn] [--detail 0]\n" +
        "                    [--detail-from 4|2] [--seed 1] [--patience 12] [--max-steps N] [--val-images N] [--resume RUN_DIR] [--init CKPT --freeze backbone]\n" +
        "lookout-train export --checkpoint CKPT --out MODEL.onnx [--arch yolo|ssd] [--imgsz 320|WxH] [--width 16] [--stem conv|patch2|patch]\n" +
        "                    [--channels C4,C8,C16,C32,HEAD] [--stride4-blocks 1] [--neck none|fpn] [--detail 0] [--detail-from 4|2] [--labels FILE] [--score 0.25] [--iou 0.45] [--fit]\n" +
        "                    (arch, imgsz, width, stem, channels, stride-4 blocks, neck and detail (and its source) default to the run's run.json beside the checkpoint, else yolo, 320, 16, conv, proportional to width, none)";

    /// <summary>The switches <c>train</c> takes (no value after them).</summary>
    public static IReadOnlySet<string> TrainFlags { get; } = new HashSet<string>(StringComparer.Ordinal) { "ema" };

    /// <summary>The switches <c>export</c> takes.</summary>
    public static IReadOnlySet<string> ExportFlags { get; } = new HashSet<string>(StringComparer.Ordinal) { "fit" };

    public static int Train(Arguments args, TextWriter output)
    {
        var freeze = args.String("freeze");
        if (freeze is not null and not "backbone")
        {
            throw new UsageException($"--freeze '{freeze}': only 'backbone' can be frozen.");
        }

        var resume = args.String("resume");
        var resumed = resume is null ? null : RunInfo.TryRead(resume);
        var arch = Arch(args) ?? resumed?.Arch ?? DetectorArch.Yolo;
        var options = new TrainingOptions
        {
            Data = args.RequiredString("data"),
            ValData = args.String("val-data"),
            Output = args.RequiredString("out"),
            Arch = arch,
            CommandLine = CommandLine(),
            Epochs = args.Int("epochs", 60, 1, 10_000),
            BatchSize = args.Int("batch", 16, 1, 1024),
            LearningRate = args.Double("lr", 2e-3, 1e-6, 1),
            InputSize = args.Int("imgsz", 320, 64, 1280),
            Crop = args.Int("crop", 0, 0, 1280),
            Width = args.Int("width", resumed?.Width ?? 16, 4, 128),
            Stem = args.String("stem") ?? resumed?.Stem,
            Channels = Channels(args) ?? resumed?.Channels,
            Stride4Blocks = Stride4Blocks(args) ?? resumed?.Stride4Blocks,
            Neck = args.String("neck") ?? resumed?.Neck,
            Detail = Detail(args) ?? resumed?.Detail,
            DetailFrom = DetailFrom(args) ?? resumed?.DetailFrom,
            Seed = args.Int("seed", 1),
            Patience = args.Int("patience", 12, 1, 10_000),
            MaxSteps = args.Int("max-steps", 0, 0, int.MaxValue),
            ValImages = args.Int("val-images", 0, 0, int.MaxValue),
            Resume = resume,
            Init = args.String("init"),
            FreezeBackbone = freeze is not null,
            Balance = args.String("balance") ?? resumed?.Balance ?? TrainingOptions.BalancePoints,
            Ema = args.Flag("ema") || resumed?.Ema == true,
            ClassLoss = args.String("cls-loss") ?? resumed?.ClsLoss ?? TrainingOptions.ClassLossBce,
            MinPoints = args.Int("min-points", resumed?.MinPoints ?? 1, 1, TrainingOptions.MaxMinPoints),
            MinPriors = args.Int("min-priors", resumed?.MinPriors ?? 1, 1, TrainingOptions.MaxMinPriors),
        };
        args.EnsureAllUsed();
        CheckBalance(options.Balance);
        CheckClassLoss(arch, options.ClassLoss);
        if (options.MinPoints != 1 && arch != DetectorArch.Yolo)
        {
            throw new UsageException("--min-points is a YOLO option; the SSD's is --min-priors.");
        }

        if (options.MinPriors != 1 && arch != DetectorArch.Ssd)
        {
            throw new UsageException("--min-priors is an SSD option; the YOLO's is --min-points.");
        }

        CheckShape(options.Width, options.Stem, options.Channels, options.Stride4Blocks, options.Neck, options.Detail, options.DetailFrom);
        CheckInputSize(arch, options.InputSize);
        CheckCrop(arch, options);
        new Trainer(options, output).Run();
        return 0;
    }

    public static int Export(Arguments args, TextWriter output)
    {
        var checkpoint = args.RequiredString("checkpoint");
        var path = args.RequiredString("out");
        var run = RunInfo.TryRead(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!);
        var arch = Arch(args) ?? run?.Arch ?? DetectorArch.Yolo;
        var (inputWidth, inputHeight) = ExportInput(args.String("imgsz"), run?.Imgsz ?? 320);
        var width = args.Int("width", run?.Width ?? 16, 4, 128);
        var shape = CheckShape(width, args.String("stem") ?? run?.Stem, Channels(args) ?? run?.Channels, Stride4Blocks(args) ?? run?.Stride4Blocks, args.String("neck") ?? run?.Neck, Detail(args) ?? run?.Detail, DetailFrom(args) ?? run?.DetailFrom);
        var labelsFile = args.String("labels");
        var score = (float)args.Double("score", ModelCardWriter.ScoreThreshold, 0, 1);
        var iou = (float)args.Double("iou", ModelCardWriter.IouThreshold, 0.01, 1);
        var fit = args.Flag("fit");
        args.EnsureAllUsed();
        if (fit && arch != DetectorArch.Yolo)
        {
            throw new UsageException("--fit is for --arch yolo: the SSD's default boxes are laid out for one input size.");
        }

        CheckInputSize(arch, inputWidth);
        CheckInputSize(arch, inputHeight);
        if (!File.Exists(checkpoint))
        {
            throw new UsageException($"--checkpoint '{checkpoint}' does not exist.");
        }

        var labels = labelsFile is null ? Synthetic.ShapeClasses.Names : Detection.Datasets.ClassNameList.Read(labelsFile);
        // The network is built at the side it trained at (the SSD's default boxes are sized from it), then exported at the input asked for.
        using var detector = DetectorArch.Create(arch, labels.Count, shape, run is { Imgsz: > 0 } ? run.Imgsz : Math.Max(inputWidth, inputHeight));
        detector.Module.load(checkpoint);
        detector.SetExportInput(inputWidth, inputHeight);
        if (fit)
        {
            ((YoloTrainableDetector)detector).FitInput = true;
        }

        OnnxExporter.Export(detector, path, labels);
        var card = ModelCardWriter.CardPath(path);
        ModelCardWriter.Write(card, detector, labels, ModelCardWriter.TrainingFacts(checkpoint), score, iou);
        output.WriteLine($"wrote {path} ({detector.Layout} layout, {inputWidth}x{inputHeight}{(fit ? " at most (fit: any input of as many pixels or fewer)" : "")}, {labels.Count} classes, {new FileInfo(path).Length / 1024.0:F0} KiB) and {card}");
        return 0;
    }

    private static string? Arch(Arguments args)
    {
        var arch = args.String("arch");
        if (arch is not null && !DetectorArch.Names.Contains(arch))
        {
            throw new UsageException($"--arch '{arch}' must be {string.Join(" or ", DetectorArch.Names)}.");
        }

        return arch;
    }

    /// <summary><c>--channels C4,C8,C16,C32,HEAD</c>, or null when not given.</summary>
    private static int[]? Channels(Arguments args)
    {
        var text = args.String("channels");
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var channels = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts.Length != 5 || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out channels[i]) || channels[i] < 4 || channels[i] > 1024)
            {
                throw new UsageException($"--channels '{text}' must be five whole numbers from 4 to 1024, comma-separated: the channels at strides 4, 8, 16, 32 and of the heads.");
            }
        }

        return channels;
    }

    private static void CheckBalance(string balance)
    {
        if (!TrainingOptions.BalanceChoices.ContainsKey(balance))
        {
            throw new UsageException($"--balance '{balance}' must be {string.Join(", ", TrainingOptions.BalanceChoices.Keys)}.");
        }
    }

    private static void CheckClassLoss(string arch, string classLoss)
    {
        if (!TrainingOptions.ClassLossChoices.Contains(classLoss))
        {
            throw new UsageException($"--cls-loss '{classLoss}' must be {Choices(TrainingOptions.ClassLossChoices)}.");
        }

        if (classLoss != TrainingOptions.ClassLossBce && arch != DetectorArch.Yolo)
        {
            throw new UsageException($"--cls-loss {classLoss} is a YOLO option; the SSD's class loss is softmax cross-entropy with hard negative mining.");
        }
    }

    private static int? Stride4Blocks(Arguments args) =>
        args.String("stride4-blocks") is null ? null : args.Int("stride4-blocks", 1, 0, Models.BackboneShape.MaxStride4Blocks);

    private static int? Detail(Arguments args) =>
        args.String("detail") is null ? null : args.Int("detail", 0, 0, Models.BackboneShape.MaxDetail);

    private static int? DetailFrom(Arguments args)
    {
        if (args.String("detail-from") is null)
        {
            return null;
        }

        var from = args.Int("detail-from", 4, 2, 4);
        return from is 2 or 4 ? from : throw new UsageException($"--detail-from '{from}' must be 2 (the stem's output) or 4 (the stride-4 features).");
    }

    /// <summary>"a or b", "a, b or c".</summary>
    private static string Choices(IReadOnlyList<string> choices) =>
        choices.Count == 1 ? choices[0] : $"{string.Join(", ", choices.Take(choices.Count - 1))} or {choices[^1]}";

    private static Models.BackboneShape CheckShape(int width, string? stem, IReadOnlyList<int>? channels, int? stride4Blocks, string? neck, int? detail, int? detailFrom)
    {
        if (detailFrom == 2 && stem == Models.BackboneShape.PatchStem)
        {
            throw new UsageException("--detail-from 2 needs a stem with a stride-2 output (conv or patch2); the patch stem starts at stride 4.");
        }

        if (detailFrom is not null && detail is null or 0)
        {
            throw new UsageException("--detail-from names where the detail reads; give --detail N too.");
        }

        if (neck is not null && !Models.BackboneShape.Necks.Contains(neck))
        {
            throw new UsageException($"--neck '{neck}' must be {Choices(Models.BackboneShape.Necks)}.");
        }

        if (stem is not null && !Models.BackboneShape.Stems.Contains(stem))
        {
            throw new UsageException($"--stem '{stem}' must be {Choices(Models.BackboneShape.Stems)}.");
        }

        return Models.BackboneShape.Create(width, stem, channels, stride4Blocks, neck, detail, detailFrom);
    }

    /// <summary><c>--imgsz N</c> (a square) or <c>--imgsz WxH</c>; absent, <paramref name="fallback"/> square.</summary>
    private static (int Width, int Height) ExportInput(string? text, int fallback)
    {
        if (text is null)
        {
            return (fallback, fallback);
        }

        var parts = text.Split('x', 'X');
        var sides = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts.Length > 2 || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sides[i]) || sides[i] < 64 || sides[i] > 1280)
            {
                throw new UsageException($"--imgsz '{text}' must be a side (N) or width and height (WxH), each a whole number from 64 to 1280.");
            }
        }

        return sides.Length == 1 ? (sides[0], sides[0]) : (sides[0], sides[1]);
    }

    private static void CheckInputSize(string arch, int size)
    {
        var multiple = DetectorArch.InputMultiple(arch);
        if (size % multiple != 0)
        {
            throw new UsageException($"--imgsz {size} must be a multiple of {multiple} (the largest stride of --arch {arch}).");
        }
    }

    private static void CheckCrop(string arch, TrainingOptions options)
    {
        if (options.Crop == 0)
        {
            return;
        }

        var multiple = DetectorArch.InputMultiple(arch);
        if (options.Crop % multiple != 0 || options.Crop > options.InputSize)
        {
            throw new UsageException($"--crop {options.Crop} must be a multiple of {multiple} and at most --imgsz {options.InputSize}.");
        }
    }

    /// <summary>This process's command line as <c>lookout-train VERB ...</c>, arguments quoted where needed.</summary>
    private static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs().Skip(1);
        return "lookout-train " + string.Join(' ', args.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'"));
    }
}
