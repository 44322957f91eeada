using System.Globalization;
using Lookout.Detection;
using Lookout.Training.Export;
using Lookout.Training.Models;
using static TorchSharp.torch;
using DetectedObject = Lookout.Detection.Detection;

namespace Lookout.Training.Training;

/// <summary><see cref="YoloShapesNet"/> with <see cref="YoloLoss"/>, exported in the <c>yolov8</c> layout.</summary>
internal sealed class YoloTrainableDetector : ITrainableDetector
{
    private readonly YoloShapesNet _net;
    private readonly YoloLoss _loss;

    public YoloTrainableDetector(int classes, int width, int inputSize)
        : this(classes, BackboneShape.FromWidth(width), inputSize)
    {
    }

    public YoloTrainableDetector(int classes, BackboneShape shape, int inputSize)
    {
        _net = new YoloShapesNet(classes, shape, inputSize);
        _loss = new YoloLoss(_net);
    }

    public YoloShapesNet Net => _net;

    public float BalancePower
    {
        get => _loss.BalancePower;
        set => _loss.BalancePower = value;
    }

    /// <summary>Focal class loss with the FCOS box weight (<see cref="YoloLoss.Focal"/>; <c>--cls-loss focal</c>).</summary>
    public bool Focal
    {
        get => _loss.Focal;
        set => _loss.Focal = value;
    }

    /// <summary>The fewest grid points an object is given (<see cref="YoloLoss.MinPoints"/>; <c>--min-points</c>).</summary>
    public int MinPoints
    {
        get => _loss.MinPoints;
        set => _loss.MinPoints = value;
    }

    public BackboneShape Shape => _net.Shape;

    public string Arch => DetectorArch.Yolo;

    public nn.Module Module => _net;

    public int InputSize => _net.InputSize;

    public (int Width, int Height) ExportInput => _net.ExportInput;

    public void SetExportInput(int width, int height) => _net.SetExportInput(width, height);

    /// <inheritdoc cref="YoloShapesNet.FitInput"/>
    public bool FitInput
    {
        get => _net.FitInput;
        set => _net.FitInput = value;
    }

    public IEnumerable<nn.Module> Backbone => _net.Backbone;

    public string Layout => "yolov8";

    public string Architecture => string.Create(
        CultureInfo.InvariantCulture,
        $"anchor-free YOLOv8-style, strides {string.Join('/', YoloShapesNet.Strides)}, depthwise-separable backbone ({Shape.Describe()}), {_net.AnchorCount} grid points, {_net.parameters().Sum(p => p.numel())} parameters");

    public (Tensor Total, Tensor Cls, Tensor Box) Loss(Tensor input, IReadOnlyList<TrainingSample> samples)
    {
        var (distances, logits) = _net.forward(input);
        return _loss.Compute(distances, logits, samples, (int)input.shape[3]);
    }

    public DetectedObject[][] Detect(Tensor input, IReadOnlyList<(int Width, int Height)> imageSizes, IReadOnlyList<string> labels)
    {
        var (d, l) = _net.forward(input);
        var output = _net.Decode(d, l).contiguous().data<float>().ToArray();
        var detections = new DetectedObject[imageSizes.Count][];
        for (var k = 0; k < imageSizes.Count; k++)
        {
            detections[k] = DecodeImage(output, k, _net, labels, imageSizes[k].Width, imageSizes[k].Height);
        }

        return detections;
    }

    public void Initialize(string checkpoint, TextWriter log)
    {
        _net.load(checkpoint);
        log.WriteLine($"initialized from {checkpoint}");
    }

    public void Emit(OnnxGraphBuilder graph) => _net.Emit(graph);

    public IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<string> labels) => _net.Metadata(labels);

    public void Dispose() => _net.Dispose();

    /// <summary>The yolov8-layout output of one image to detections in that image's pixels (score ≥ 0.01, NMS 0.6).</summary>
    internal static DetectedObject[] DecodeImage(float[] output, int imageIndex, YoloShapesNet net, IReadOnlyList<string> labels, int width, int height)
    {
        var n = net.AnchorCount;
        var rows = 4 + net.Classes;
        var offset = imageIndex * rows * n;
        var scale = (float)net.InputSize / Math.Max(width, height);
        var left = MathF.Round((net.InputSize - MathF.Round(width * scale)) / 2);
        var top = MathF.Round((net.InputSize - MathF.Round(height * scale)) / 2);
        var candidates = new List<Candidate>();
        for (var i = 0; i < n; i++)
        {
            var bestClass = 0;
            var bestScore = 0f;
            for (var c = 0; c < net.Classes; c++)
            {
                var s = output[offset + (4 + c) * n + i];
                if (s > bestScore)
                {
                    bestScore = s;
                    bestClass = c;
                }
            }

            if (bestScore < 0.01f)
            {
                continue;
            }

            float cx = output[offset + i], cy = output[offset + n + i], w = output[offset + 2 * n + i], h = output[offset + 3 * n + i];
            var box = new BoxF((cx - w / 2 - left) / scale, (cy - h / 2 - top) / scale, (cx + w / 2 - left) / scale, (cy + h / 2 - top) / scale).Clip(width, height);
            candidates.Add(new Candidate(box, bestScore, bestClass));
        }

        var kept = Nms.Apply(candidates.ToArray(), 0.6f, classAgnostic: false, maxDetections: 100);
        var detections = new DetectedObject[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            var c = candidates[kept[k]];
            detections[k] = new DetectedObject(c.ClassId, labels[c.ClassId], c.Score, c.Box);
        }

        return detections;
    }
}
