using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookout.Training.Training;

namespace Lookout.Training.Export;

/// <summary>
/// Writes the model card <c>&lt;model&gt;.json</c> the runtime reads beside an exported model: layout, the
/// preprocessing training used (centred letterbox, pad 114, RGB, /255), labels and thresholds, plus an
/// <c>architecture</c> line and a <c>training</c> object with the facts of the run folder the checkpoint
/// is in (only those known).
/// </summary>
internal static class ModelCardWriter
{
    /// <summary>The card's default display threshold (<c>export --score</c>).</summary>
    public const float ScoreThreshold = 0.25f;

    /// <summary>The card's default NMS IoU (<c>export --iou</c>).</summary>
    public const float IouThreshold = 0.45f;

    /// <summary>The card's path for a model: the same name with <c>.json</c>.</summary>
    public static string CardPath(string modelPath) => Path.ChangeExtension(modelPath, ".json");

    /// <summary>Writes the card under a temporary name and renames it over any card already there.</summary>
    public static void Write(
        string cardPath,
        ITrainableDetector detector,
        IReadOnlyList<string> labels,
        JsonObject? training,
        float scoreThreshold = ScoreThreshold,
        float iouThreshold = IouThreshold)
    {
        var labelArray = new JsonArray();
        foreach (var label in labels)
        {
            labelArray.Add(label);
        }

        var input = new JsonObject
        {
            ["width"] = detector.ExportInput.Width,
            ["height"] = detector.ExportInput.Height,
        };
        if (detector.FitInput)
        {
            input["fit"] = true;
            input["multiple"] = DetectorArch.InputMultiple(detector.Arch);
        }

        input["color"] = "rgb";
        input["scale"] = 1.0 / 255;
        input["mean"] = new JsonArray(0, 0, 0);
        input["std"] = new JsonArray(1, 1, 1);
        input["resize"] = "letterbox";
        input["align"] = "center";
        input["pad"] = SamplePreparer.PadValue;
        var card = new JsonObject
        {
            ["name"] = Path.GetFileNameWithoutExtension(cardPath),
            ["layout"] = detector.Layout,
            ["input"] = input,
            ["labels"] = labelArray,
            ["score_threshold"] = scoreThreshold,
            ["iou_threshold"] = iouThreshold,
            ["architecture"] = detector.Architecture,
        };
        if (training is not null)
        {
            card["training"] = training;
        }

        var temp = cardPath + ".partial";
        File.WriteAllText(temp, card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, cardPath, overwrite: true);
    }

    /// <summary>
    /// What the run folder holding <paramref name="checkpoint"/> says about its training: the command line,
    /// seed and data (<c>run.json</c>), epochs and steps run (<c>state.json</c>, else <c>training.csv</c>),
    /// training minutes and mean images/s, best val mAP (<c>training.csv</c>). Null when the folder has none of them.
    /// When the run started from another run's checkpoint (<c>--init</c>) that is still where it was, that run's
    /// facts go under <c>init_training</c> and both runs' minutes under <c>minutes_from_scratch</c>: the time
    /// the whole recipe takes.
    /// </summary>
    public static JsonObject? TrainingFacts(string checkpoint) => TrainingFacts(checkpoint, depth: 0);

    private static JsonObject? TrainingFacts(string checkpoint, int depth)
    {
        var run = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;
        var info = RunInfo.TryRead(run);
        var csv = Path.Combine(run, Trainer.CsvFile);
        var statePath = Path.Combine(run, Trainer.StateFile);
        if (info is null && !File.Exists(csv) && !File.Exists(statePath))
        {
            return null;
        }

        var facts = new JsonObject
        {
            ["run"] = Path.GetFileName(run),
            ["checkpoint"] = Path.GetFileName(checkpoint),
        };
        if (info is not null)
        {
            facts["arch"] = info.Arch;
            if (info.Command is not null)
            {
                facts["command"] = info.Command;
            }

            facts["seed"] = info.Seed;
            if (info.Imgsz > 0)
            {
                // The input side it trained at; the card's input may differ (the network is fully convolutional).
                facts["imgsz"] = info.Imgsz;
            }

            if (info.Crop is { } crop)
            {
                facts["crop"] = crop;
            }

            if (info.Balance is { } balance)
            {
                facts["balance"] = balance;
            }

            if (info.ClsLoss is { } clsLoss)
            {
                facts["cls_loss"] = clsLoss;
            }

            if (info.MinPoints is { } minPoints)
            {
                facts["min_points"] = minPoints;
            }

            if (info.MinPriors is { } minPriors)
            {
                facts["min_priors"] = minPriors;
            }

            if (info.Ema == true)
            {
                facts["ema"] = true;
            }

            if (info.Data is not null)
            {
                facts["data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(info.Data));
            }

            if (info.ValData is not null)
            {
                facts["val_data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(info.ValData));
            }

            if (info.Init is not null)
            {
                facts["init"] = info.Init;
            }

            if (info.Resumed.Count > 0)
            {
                facts["resumed"] = new JsonArray([.. info.Resumed.Select(r => (JsonNode)r)]);
            }
        }

        var rows = File.Exists(csv) ? ReadCsv(csv) : [];
        if (File.Exists(statePath))
        {
            using var state = JsonDocument.Parse(File.ReadAllText(statePath));
            facts["epochs"] = state.RootElement.GetProperty("Epoch").GetInt32();
            facts["steps"] = state.RootElement.GetProperty("Steps").GetInt32();
        }
        else if (rows.Count > 0)
        {
            facts["epochs"] = (int)rows[^1]["epoch"];
            facts["steps"] = (int)rows[^1]["steps"];
        }

        if (rows.Count > 0)
        {
            facts["minutes"] = Math.Round(rows.Sum(r => r["seconds"]) / 60, 1);
            facts["images_per_s"] = Math.Round(rows.Average(r => r["images_per_s"]), 1);
            var scored = rows.Where(r => !double.IsNaN(r["val_map50_95"])).ToList();
            if (scored.Count > 0)
            {
                var best = scored.MaxBy(r => r["val_map50_95"])!;
                facts["best_epoch"] = (int)best["epoch"];
                facts["val_map50"] = Math.Round(best["val_map50"], 4);
                facts["val_map50_95"] = Math.Round(best["val_map50_95"], 4);
            }
        }

        var initRun = info?.Init is { } init && File.Exists(init) ? Path.GetDirectoryName(Path.GetFullPath(init))! : null;
        if (initRun is not null && depth < 4 && initRun != run && TrainingFacts(info!.Init!, depth + 1) is { } initFacts)
        {
            facts["init_training"] = initFacts;
            if (facts["minutes"] is { } own && (initFacts["minutes_from_scratch"] ?? initFacts["minutes"]) is { } before)
            {
                facts["minutes_from_scratch"] = Math.Round((double)own + (double)before, 1);
            }
        }

        return facts;
    }

    private static List<Dictionary<string, double>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var rows = new List<Dictionary<string, double>>();
        if (lines.Length == 0)
        {
            return rows;
        }

        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var values = line.Split(',');
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length && i < values.Length; i++)
            {
                row[header[i]] = double.Parse(values[i], CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
