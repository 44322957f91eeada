using System.Text.Json;
using Lookout.Detection;
using Lookout.Training.Export;
using Lookout.Training.Training;

namespace Lookout.Training.Tests.Export;

public sealed class ModelCardWriterTests : IDisposable
{
    private static readonly string[] Labels = ["circle", "triangle", "square", "star", "hexagon", "cross"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"lookout-card-{Guid.NewGuid():N}");

    public ModelCardWriterTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("yolo", "yolov8")]
    [InlineData("ssd", "ssd")]
    public void Write_EitherArch_RuntimeParsesTheCard(string arch, string layout)
    {
        TorchRuntime.Initialize();
        using var detector = DetectorArch.Create(arch, Labels.Length, 8, 128);
        var path = Path.Combine(_dir, arch + ".json");

        ModelCardWriter.Write(path, detector, Labels, new() { ["seed"] = 3 });
        var card = ModelCard.Load(path);

        Assert.Equal(layout, ModelCard.LayoutName(card.Layout));
        Assert.Equal(128, card.Input.Width);
        Assert.Equal(128, card.Input.Height);
        Assert.Equal(ColorOrder.Rgb, card.Input.Color);
        Assert.Equal(1f / 255, card.Input.Scale, 6);
        Assert.Equal(ResizeMode.Letterbox, card.Input.Resize);
        Assert.Equal(LetterboxAlign.Center, card.Input.Align);
        Assert.Equal(114, card.Input.Pad);
        Assert.Equal(Labels, card.Labels);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(3, json.RootElement.GetProperty("training").GetProperty("seed").GetInt32());
        Assert.Contains(arch == "ssd" ? "SSD" : "YOLOv8", json.RootElement.GetProperty("architecture").GetString());
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void TrainingFacts_RunFolder_ReadsRunStateAndCsv()
    {
        new RunInfo { Arch = "ssd", Command = "lookout-train train --arch ssd --seed 7", Seed = 7, Data = "/data/shapes-8k", ValData = "/data/shapes/", Imgsz = 480, Crop = 320, Balance = "sqrt" }.Write(_dir);
        File.WriteAllText(Path.Combine(_dir, Trainer.StateFile), """{"Epoch":2,"Best":0.3,"Steps":800}""");
        File.WriteAllText(
            Path.Combine(_dir, Trainer.CsvFile),
            "epoch,steps,lr,loss,cls_loss,box_loss,val_map50,val_map50_95,images_per_s,seconds\n" +
            "1,400,0.002,5,4,1,0.4,0.2,30,120\n" +
            "2,800,0.001,4,3,1,0.5,0.3,40,60\n");

        var facts = ModelCardWriter.TrainingFacts(Path.Combine(_dir, Trainer.BestCheckpoint))!;

        Assert.Equal("lookout-train train --arch ssd --seed 7", (string)facts["command"]!);
        Assert.Equal(7, (int)facts["seed"]!);
        Assert.Equal("shapes-8k", (string)facts["data"]!);
        Assert.Equal("shapes", (string)facts["val_data"]!);
        Assert.Equal(480, (int)facts["imgsz"]!);
        Assert.Equal(320, (int)facts["crop"]!);
        Assert.Equal("sqrt", (string)facts["balance"]!);
        Assert.Equal(2, (int)facts["epochs"]!);
        Assert.Equal(800, (int)facts["steps"]!);
        Assert.Equal(3.0, (double)facts["minutes"]!);
        Assert.Equal(35.0, (double)facts["images_per_s"]!);
        Assert.Equal(2, (int)facts["best_epoch"]!);
        Assert.Equal(0.3, (double)facts["val_map50_95"]!);
    }

    [Fact]
    public void TrainingFacts_RunStartedFromAnotherRun_AddsItsFactsAndTheRecipeMinutes()
    {
        var backbone = Path.Combine(_dir, "backbone");
        var ssd = Path.Combine(_dir, "ssd");
        Directory.CreateDirectory(backbone);
        Directory.CreateDirectory(ssd);
        new RunInfo { Arch = "yolo", Command = "lookout-train train --epochs 1" }.Write(backbone);
        File.WriteAllText(Path.Combine(backbone, Trainer.CsvFile), "epoch,steps,lr,loss,cls_loss,box_loss,val_map50,val_map50_95,images_per_s,seconds\n1,400,0.002,5,4,1,0.4,0.2,30,600\n");
        var init = Path.Combine(backbone, Trainer.BestCheckpoint);
        File.WriteAllBytes(init, [0]);
        new RunInfo { Arch = "ssd", Init = init }.Write(ssd);
        File.WriteAllText(Path.Combine(ssd, Trainer.CsvFile), "epoch,steps,lr,loss,cls_loss,box_loss,val_map50,val_map50_95,images_per_s,seconds\n1,400,0.002,5,4,1,0.5,0.3,30,900\n");

        var facts = ModelCardWriter.TrainingFacts(Path.Combine(ssd, Trainer.BestCheckpoint))!;

        Assert.Equal(15.0, (double)facts["minutes"]!);
        Assert.Equal("lookout-train train --epochs 1", (string)facts["init_training"]!["command"]!);
        Assert.Equal(10.0, (double)facts["init_training"]!["minutes"]!);
        Assert.Equal(25.0, (double)facts["minutes_from_scratch"]!);
    }

    [Fact]
    public void TrainingFacts_InitCheckpointGone_NoInitTraining()
    {
        new RunInfo { Arch = "ssd", Init = Path.Combine(_dir, "elsewhere", "best.ckpt") }.Write(_dir);

        var facts = ModelCardWriter.TrainingFacts(Path.Combine(_dir, Trainer.BestCheckpoint))!;

        Assert.False(facts.ContainsKey("init_training"));
        Assert.False(facts.ContainsKey("minutes_from_scratch"));
    }

    [Fact]
    public void TrainingFacts_RunWithoutRunJson_OmitsCommandAndSeed()
    {
        File.WriteAllText(Path.Combine(_dir, Trainer.StateFile), """{"Epoch":1,"Best":0.1,"Steps":400}""");

        var facts = ModelCardWriter.TrainingFacts(Path.Combine(_dir, Trainer.LastCheckpoint))!;

        Assert.False(facts.ContainsKey("command"));
        Assert.False(facts.ContainsKey("seed"));
        Assert.Equal(1, (int)facts["epochs"]!);
    }

    [Fact]
    public void TrainingFacts_CheckpointOutsideARun_Null() =>
        Assert.Null(ModelCardWriter.TrainingFacts(Path.Combine(_dir, "model.ckpt")));
}
