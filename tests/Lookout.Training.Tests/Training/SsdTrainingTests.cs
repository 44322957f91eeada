using Lookout.Training.Synthetic;
using Lookout.Training.Training;
using OpenCvSharp;

namespace Lookout.Training.Tests.Training;

public sealed class SsdTrainingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-ssd-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Run_SsdOnTinySyntheticSet_MultiBoxLossFallsAndRunIsRecorded()
    {
        var data = Path.Combine(_root, "data");
        var output = Path.Combine(_root, "run");
        SyntheticDatasetWriter.Write(data, 32, 11, [new Size(256, 256)], (0.75, 0.25, 0));
        var options = new TrainingOptions
        {
            Data = data,
            Output = output,
            Arch = DetectorArch.Ssd,
            CommandLine = "lookout-train train --arch ssd",
            Epochs = 10,
            BatchSize = 8,
            InputSize = 128,
            Width = 8,
            LearningRate = 5e-3,
            WarmupSteps = 4,
            Patience = 100,
            Seed = 5,
        };

        var records = new Trainer(options, TextWriter.Null).Run();

        Assert.Equal(10, records.Count);
        var first = records.Take(2).Average(r => r.Loss);
        var last = records.TakeLast(3).Average(r => r.Loss);
        Assert.True(last < 0.85 * first, $"loss {first:F4} -> {last:F4}");
        Assert.True(records.TakeLast(3).Average(r => r.BoxLoss) < 0.95 * records.Take(2).Average(r => r.BoxLoss), "box loss did not fall");
        Assert.All(records, r => Assert.InRange(r.ValMap50, 0, 1));
        var run = RunInfo.TryRead(output);
        Assert.NotNull(run);
        Assert.Equal(DetectorArch.Ssd, run.Arch);
        Assert.Equal(5, run.Seed);
        Assert.Equal("lookout-train train --arch ssd", run.Command);
        Assert.True(File.Exists(Path.Combine(output, Trainer.BestCheckpoint)));
    }
}
