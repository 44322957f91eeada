using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;
using Lookout.Training.Models;
using static TorchSharp.torch;
using DetectedObject = Lookout.Detection.Detection;

namespace Lookout.Training.Training;

/// <summary>
/// Trains a detector (<c>--arch yolo</c>: <see cref="YoloShapesNet"/>, <c>ssd</c>: <see cref="SsdShapesNet"/>)
/// on a VOC dataset: AdamW, linear warm-up then cosine decay, augmentation, val mAP after each epoch,
/// early stopping on val mAP50-95, checkpoints (<c>last.ckpt</c>, <c>best.ckpt</c> and <c>state.json</c>;
/// with <c>--ema</c> also <c>ema.ckpt</c>, and val mAP and <c>best.ckpt</c> are of the weights' moving average),
/// what was run (<c>run.json</c>), a CSV log and a PNG plot.
/// </summary>
internal sealed class Trainer
{
    /// <summary>Batches a run may skip because libtorch rejected them before it gives up.</summary>
    private const int MaxSkippedSteps = 50;

    public const string LastCheckpoint = "last.ckpt";

    /// <summary>With <c>--ema</c>: the weights' moving average after the last epoch (<c>best.ckpt</c> is the best of these).</summary>
    public const string AverageCheckpoint = "ema.ckpt";
    public const string BestCheckpoint = "best.ckpt";
    public const string StateFile = "state.json";
    public const string CsvFile = "training.csv";
    public const string PlotFile = "training.png";
    public const string RunFile = RunInfo.FileName;

    private readonly TrainingOptions _o;
    private readonly TextWriter _log;

    public Trainer(TrainingOptions options, TextWriter log)
    {
        _o = options;
        _log = log;
    }

    /// <summary>
    /// The val split: <see cref="TrainingOptions.ValData"/>'s, its objects named by the training data's class ids (a
    /// class the training data lacks is an error naming the file; so is an empty split), else the training folder's if
    /// it has one with images (an empty one, as <c>synth --split-ratios 1,0,0</c> writes, is none), else none.
    /// </summary>
    private DetectionDataset? LoadVal(IReadOnlyList<string> trainClasses)
    {
        if (_o.ValData is null)
        {
            var own = VocDataset.ListSplits(_o.Data).Contains("val") ? VocDataset.Load(_o.Data, "val") : null;
            return own is { Images.Count: > 0 } ? own : null;
        }

        var val = VocDataset.Load(_o.ValData, "val", trainClasses);
        return val.Images.Count > 0 ? val
            : throw new DatasetException(Path.Combine(_o.ValData, VocDataset.SplitsFolder, "val.txt"), "split 'val' lists no images; pass a --val-data folder whose val split has some.");
    }

    public IReadOnlyList<EpochRecord> Run(CancellationToken cancellationToken = default)
    {
        TorchRuntime.Initialize();
        random.manual_seed(_o.Seed);
        Directory.CreateDirectory(_o.Output);
        var train = VocDataset.Load(_o.Data, "train");
        var val = LoadVal(train.ClassNames);
        using var detector = DetectorArch.Create(_o.Arch, train.ClassNames.Count, _o.Shape, _o.InputSize);
        detector.BalancePower = TrainingOptions.BalancePowerOf(_o.Balance);
        if (detector is YoloTrainableDetector yolo)
        {
            yolo.Focal = _o.ClassLoss == TrainingOptions.ClassLossFocal;
            yolo.MinPoints = _o.MinPoints;
        }
        else if (detector is SsdTrainableDetector ssd)
        {
            ssd.MinPriors = _o.MinPriors;
        }

        var net = detector.Module;
        var records = new List<EpochRecord>();
        var startEpoch = 0;
        var best = double.NegativeInfinity;
        var stepsDone = 0;
        var skipped = 0;
        if (_o.Resume is not null)
        {
            net.load(Path.Combine(_o.Resume, LastCheckpoint));
            var state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(Path.Combine(_o.Resume, StateFile)))
                ?? throw new InvalidDataException($"{Path.Combine(_o.Resume, StateFile)}: empty training state.");
            (startEpoch, best, stepsDone) = (state.Epoch, state.Best, state.Steps);
            _log.WriteLine($"resuming after epoch {startEpoch} (best val mAP50-95 {best:F4}); optimizer moments start afresh");
            RunInfo.RecordResume(_o.Resume, _o.Output, _o.CommandLine);
        }
        else
        {
            if (_o.Init is not null)
            {
                detector.Initialize(_o.Init, _log);
            }

            RunInfo.FromOptions(_o).Write(_o.Output);
        }

        if (_o.FreezeBackbone)
        {
            foreach (var module in detector.Backbone)
            {
                foreach (var p in module.parameters())
                {
                    p.requires_grad = false;
                }
            }
        }

        // With --ema, val mAP, best.ckpt and so the export are of a second network holding the weights' moving average.
        using var averaged = _o.Ema ? DetectorArch.Create(_o.Arch, train.ClassNames.Count, _o.Shape, _o.InputSize) : null;
        WeightAverage? average = null;
        if (averaged is not null)
        {
            var resumedAverage = _o.Resume is null ? null : Path.Combine(_o.Resume, AverageCheckpoint);
            var hasAverage = resumedAverage is not null && File.Exists(resumedAverage);
            if (hasAverage)
            {
                averaged.Module.load(resumedAverage!);
            }

            average = new WeightAverage(averaged.Module, net, stepsDone, copy: !hasAverage);
        }

        var validated = averaged ?? detector;

        var trainable = net.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(trainable, _o.LearningRate, weight_decay: _o.WeightDecay);
        var stepsPerEpoch = (train.Images.Count + _o.BatchSize - 1) / _o.BatchSize;
        var totalSteps = _o.MaxSteps > 0 ? Math.Min(_o.MaxSteps, _o.Epochs * stepsPerEpoch) : _o.Epochs * stepsPerEpoch;
        var sinceBest = 0;
        for (var epoch = startEpoch; epoch < _o.Epochs && stepsDone < totalSteps; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            net.train();
            if (_o.FreezeBackbone)
            {
                foreach (var module in detector.Backbone)
                {
                    module.eval();
                }
            }

            var order = Enumerable.Range(0, train.Images.Count).ToArray();
            new Random(_o.Seed * 7919 + epoch).Shuffle(order);
            double sum = 0, sumCls = 0, sumBox = 0;
            var steps = 0;
            var images = 0;
            var waitSeconds = 0.0;
            double lr = 0;

            // The next batch is loaded and augmented on the thread pool while this one trains: the samples
            // depend only on (seed, epoch, image), so prefetching changes nothing but the time.
            int[] BatchAt(int start) => order[start..Math.Min(order.Length, start + _o.BatchSize)];
            Task<List<TrainingSample>> PrepareAsync(int[] batch) =>
                Task.Run(() => Prepare(train, batch, _o.TrainSize, _o.Seed, epoch, augment: true, scaleTo: _o.InputSize));
            var next = order.Length > 0 ? PrepareAsync(BatchAt(0)) : null;
            for (var start = 0; start < order.Length && stepsDone < totalSteps; start += _o.BatchSize)
            {
                var batch = BatchAt(start);
                var waitStart = Stopwatch.GetTimestamp();
                var samples = next!.GetAwaiter().GetResult();
                waitSeconds += Stopwatch.GetElapsedTime(waitStart).TotalSeconds;
                next = start + _o.BatchSize < order.Length && stepsDone + 1 < totalSteps ? PrepareAsync(BatchAt(start + _o.BatchSize)) : null;
                lr = LearningRate(stepsDone, totalSteps);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }

                try
                {
                    using var scope = NewDisposeScope();
                    var input = Stack(samples);
                    var (total, cls, box) = detector.Loss(input, samples);
                    var loss = total.item<float>();
                    if (!float.IsFinite(loss))
                    {
                        throw new ExternalException($"the loss is {loss}");
                    }

                    optimizer.zero_grad();
                    total.backward();
                    optimizer.step();
                    average?.Update();
                    sum += loss;
                    sumCls += cls.item<float>();
                    sumBox += box.item<float>();
                }
                catch (ExternalException e) when (++skipped <= MaxSkippedSteps)
                {
                    // TorchSharp passes some scalars it makes on the fly (an add's alpha, a BatchNorm count)
                    // to libtorch by handle only; the GC can finalize one while libtorch reads it, which libtorch
                    // reports as a bad scalar. The batch is skipped, not the run.
                    _log.WriteLine($"step {stepsDone + 1}: batch skipped, libtorch rejected it ({FirstLine(e.Message)}); {skipped} skipped so far");
                    stepsDone++;
                    continue;
                }

                steps++;
                stepsDone++;
                images += batch.Length;
            }

            var trainSeconds = clock.Elapsed.TotalSeconds;
            var report = val is null ? null : Evaluate(validated, val, _o.ValImages);
            var record = new EpochRecord(
                epoch + 1, stepsDone, lr, sum / Math.Max(1, steps), sumCls / Math.Max(1, steps), sumBox / Math.Max(1, steps),
                report?.Map50 ?? double.NaN, report?.Map50To95 ?? double.NaN, images / trainSeconds, clock.Elapsed.TotalSeconds);
            records.Add(record);
            _log.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {record.Epoch}/{_o.Epochs} steps {record.Steps} lr {record.LearningRate:E2} loss {record.Loss:F4} (cls {record.ClsLoss:F4} box {record.BoxLoss:F4}) val mAP50 {record.ValMap50:F4} mAP50-95 {record.ValMap50To95:F4} {record.ImagesPerSecond:F1} img/s {record.Seconds:F0} s (waiting for data {waitSeconds:F0} s)"));
            AppendCsv(record);
            net.save(Path.Combine(_o.Output, LastCheckpoint));
            averaged?.Module.save(Path.Combine(_o.Output, AverageCheckpoint));
            var score = double.IsNaN(record.ValMap50To95) ? -record.Loss : record.ValMap50To95;
            if (score > best)
            {
                best = score;
                sinceBest = 0;
                File.Copy(Path.Combine(_o.Output, averaged is null ? LastCheckpoint : AverageCheckpoint), Path.Combine(_o.Output, BestCheckpoint), overwrite: true);
            }
            else
            {
                sinceBest++;
            }

            File.WriteAllText(Path.Combine(_o.Output, StateFile), JsonSerializer.Serialize(new ResumeState(epoch + 1, best, stepsDone)));
            TrainingPlot.Write(Path.Combine(_o.Output, PlotFile), ReadCsv());
            if (sinceBest >= _o.Patience)
            {
                _log.WriteLine($"early stop: no better val mAP50-95 for {_o.Patience} epochs");
                break;
            }
        }

        return records;
    }

    /// <summary>Runs the network over a split (no augmentation) and scores it, boxes mapped back to image pixels.</summary>
    internal static EvaluationReport Evaluate(ITrainableDetector detector, DetectionDataset dataset, int maxImages = 0)
    {
        detector.Module.eval();
        var evaluator = new MeanAveragePrecisionEvaluator(dataset.ClassNames);
        var count = maxImages > 0 ? Math.Min(maxImages, dataset.Images.Count) : dataset.Images.Count;
        const int batchSize = 16;
        for (var start = 0; start < count; start += batchSize)
        {
            var batch = Enumerable.Range(start, Math.Min(batchSize, count - start)).ToArray();
            var samples = Prepare(dataset, batch, detector.InputSize, 0, 0, augment: false);
            var sizes = batch.Select(i => (dataset.Images[i].Width, dataset.Images[i].Height)).ToArray();
            DetectedObject[][] detections;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                detections = detector.Detect(Stack(samples), sizes, dataset.ClassNames);
            }

            for (var k = 0; k < batch.Length; k++)
            {
                evaluator.Add(dataset.Images[batch[k]].Objects, detections[k]);
            }
        }

        return evaluator.Compute();
    }

    private static List<TrainingSample> Prepare(DetectionDataset dataset, int[] batch, int inputSize, int seed, int epoch, bool augment, int scaleTo = 0)
    {
        var samples = new TrainingSample[batch.Length];
        Parallel.For(0, batch.Length, k =>
        {
            // Seeded per (seed, epoch, image): the augmentation does not depend on thread scheduling.
            var rng = augment ? new Random(unchecked((seed * 31 + epoch) * 1_000_003 + batch[k])) : null;
            samples[k] = SamplePreparer.Prepare(dataset.Images[batch[k]], inputSize, rng, scaleTo);
        });
        return [.. samples];
    }

    private static Tensor Stack(IReadOnlyList<TrainingSample> samples)
    {
        var per = samples[0].Pixels.Length;
        var side = (long)Math.Sqrt(per / 3);
        var all = new float[samples.Count * per];
        for (var k = 0; k < samples.Count; k++)
        {
            samples[k].Pixels.CopyTo(all, k * per);
        }

        // NCHW with channels-last strides: libtorch then runs every convolution of the network, forward and backward, on
        // its channels-last (oneDNN) kernels, about 1.25 times the images per second of the plain layout on this CPU.
        using var planar = tensor(all, [samples.Count, 3, side, side]);
        return planar.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    private double LearningRate(int step, int totalSteps)
    {
        var warmup = Math.Min(_o.WarmupSteps, Math.Max(1, totalSteps / 5));
        if (step < warmup)
        {
            return _o.LearningRate * (step + 1) / warmup;
        }

        var progress = (double)(step - warmup) / Math.Max(1, totalSteps - warmup);
        const double floor = 0.02;
        return _o.LearningRate * (floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private void AppendCsv(EpochRecord r)
    {
        var path = Path.Combine(_o.Output, CsvFile);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, "epoch,steps,lr,loss,cls_loss,box_loss,val_map50,val_map50_95,images_per_s,seconds\n");
        }

        File.AppendAllText(path, string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Epoch},{r.Steps},{r.LearningRate:G6},{r.Loss:G6},{r.ClsLoss:G6},{r.BoxLoss:G6},{r.ValMap50:G6},{r.ValMap50To95:G6},{r.ImagesPerSecond:G6},{r.Seconds:G6}\n"));
    }

    private List<EpochRecord> ReadCsv()
    {
        var list = new List<EpochRecord>();
        foreach (var line in File.ReadLines(Path.Combine(_o.Output, CsvFile)).Skip(1))
        {
            var f = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            list.Add(new EpochRecord((int)f[0], (int)f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]));
        }

        return list;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private sealed record ResumeState(int Epoch, double Best, int Steps);
}
