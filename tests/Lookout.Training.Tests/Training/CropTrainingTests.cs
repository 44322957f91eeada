using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Training.Cli;
using Lookout.Training.Models;
using Lookout.Training.Synthetic;
using Lookout.Training.Training;
using OpenCvSharp;

namespace Lookout.Training.Tests.Training;

/// <summary><c>--crop</c>: training on windows of the letterboxed image at the inference input's scale.</summary>
public sealed class CropTrainingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-crop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Prepare_ScaleToLargerThanSample_ObjectKeepsTheInputSizesScale()
    {
        using var image = new Mat(200, 400, MatType.CV_8UC3, Scalar.All(40));
        AnnotatedObject[] objects = [new(2, "square", new BoxF(180, 80, 220, 120), false)];

        var sample = SamplePreparer.Prepare(image, objects, 128, augment: null, scaleTo: 200);

        Assert.Equal(3 * 128 * 128, sample.Pixels.Length);
        // Scaled by 200/400 (not 128/400) and centred: the 200×100 image's window [36, 164) × [-14, 114).
        Assert.Equal([54f, 54f, 74f, 74f], sample.Boxes);
        Assert.Equal([2], sample.Classes);
    }

    [Fact]
    public void AnchorsFor_SmallerSide_GridOfThatSide()
    {
        using var net = new YoloShapesNet(6, 8, 96);

        Assert.Equal((12 * 12) + (6 * 6) + (3 * 3), net.AnchorCount);
        Assert.Equal((8 * 8) + (4 * 4) + (2 * 2), net.AnchorsFor(64).Strides.Length);
        Assert.Equal([4f, 4f], net.AnchorsFor(64).Centers[..2]);
        Assert.Same(net.AnchorsFor(64).Centers, net.AnchorsFor(64).Centers);
    }

    [Theory]
    [InlineData(DetectorArch.Yolo)]
    [InlineData(DetectorArch.Ssd)]
    public void Run_CropSmallerThanInput_TrainsOnWindowsAndRecordsTheCrop(string arch)
    {
        var data = Path.Combine(_root, "data");
        var output = Path.Combine(_root, "run");
        SyntheticDatasetWriter.Write(data, 24, 13, [new Size(256, 256)], (0.75, 0.25, 0));
        var options = new TrainingOptions
        {
            Data = data,
            Output = output,
            Arch = arch,
            Epochs = 6,
            BatchSize = 6,
            InputSize = 128,
            Crop = 64,
            Width = 8,
            LearningRate = 5e-3,
            WarmupSteps = 3,
            Patience = 100,
        };

        var records = new Trainer(options, TextWriter.Null).Run();

        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.True(double.IsFinite(r.Loss), $"loss {r.Loss}"));
        Assert.All(records, r => Assert.InRange(r.ValMap50, 0, 1));
        Assert.True(records.TakeLast(2).Average(r => r.Loss) < records.Take(2).Average(r => r.Loss), "loss did not fall");
        var run = RunInfo.TryRead(output);
        Assert.NotNull(run);
        Assert.Equal((128, 64), (run.Imgsz, run.Crop));
    }

    [Fact]
    public void PriorsFor_CropSide_GridOfTheCropBoxesOfTheTrainedPixelSizes()
    {
        using var net = new SsdShapesNet(6, 8, 128);

        var priors = net.PriorsFor(64);

        // Strides 8, 16, 32, 64 on a 64-pixel side: 8², 4², 2² and 1 cells of 4 priors.
        Assert.Equal(4 * 4 * (64 + 16 + 4 + 1), priors.Length);
        // The first prior: centre of the first stride-8 cell, side 0.035 × 128 pixels, normalized to 64.
        Assert.Equal(4f / 64, priors[0], 6);
        Assert.Equal(0.035f * 128 / 64, priors[2], 6);
        Assert.Same(priors, net.PriorsFor(64));
        Assert.Same(net.Priors, net.PriorsFor(128));
    }

    [Theory]
    [InlineData("--arch ssd --imgsz 320 --crop 96", "--crop 96 must be a multiple of 64")]
    [InlineData("--imgsz 320 --crop 100", "--crop 100 must be a multiple of 32")]
    [InlineData("--imgsz 320 --crop 416", "at most --imgsz 320")]
    [InlineData("--balance anchors", "--balance 'anchors' must be points, sqrt, objects")]
    [InlineData("--cls-loss hinge", "--cls-loss 'hinge' must be bce or focal")]
    [InlineData("--arch ssd --cls-loss focal", "--cls-loss focal is a YOLO option")]
    [InlineData("--min-points 5", "--min-points '5' must be a whole number from 1 to 4")]
    [InlineData("--arch ssd --min-points 4", "--min-points is a YOLO option")]
    [InlineData("--min-priors 4", "--min-priors is an SSD option")]
    [InlineData("--arch ssd --min-priors 0", "--min-priors '0' must be a whole number from 1 to 16")]
    [InlineData("--detail-from 2", "give --detail N too")]
    [InlineData("--stem patch --detail 8 --detail-from 2", "--detail-from 2 needs a stem with a stride-2 output")]
    public void Train_BadCropOrBalance_UsageErrorNamingIt(string options, string expected)
    {
        string[] args = ["--data", Path.Combine(_root, "none"), "--out", Path.Combine(_root, "run"), .. options.Split(' ')];

        var error = Assert.Throws<UsageException>(() => TrainCommand.Train(new Arguments(args, new HashSet<string>()), TextWriter.Null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
