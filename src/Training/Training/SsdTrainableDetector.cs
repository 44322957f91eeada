using System.Globalization;
using Lookout.Detection;
using Lookout.Training.Export;
using Lookout.Training.Models;
using static TorchSharp.torch;
using DetectedObject = Lookout.Detection.Detection;

namespace Lookout.Training.Training;

/// <summary><see cref="SsdShapesNet"/> with <see cref="MultiBoxLoss"/>, exported in the <c>ssd</c> layout.</summary>
internal sealed class SsdTrainableDetector : ITrainableDetector
{
    private readonly SsdShapesNet _net;
    private readonly MultiBoxLoss _loss;

    public SsdTrainableDetector(int classes, int width, int inputSize)
        : this(classes, BackboneShape.FromWidth(width), inputSize)
    {
    }

    public SsdTrainableDetector(int classes, BackboneShape shape, int inputSize)
    {
        _net = new SsdShapesNet(classes, shape, inputSize);
        _loss = new MultiBoxLoss(_net);
    }

    public SsdShapesNet Net => _net;

    public float BalancePower
    {
        get => _loss.BalancePower;
        set => _loss.BalancePower = value;
    }

    /// <summary>The fewest priors an object is matched to (<see cref="MultiBoxLoss.MinPriors"/>; <c>--min-priors</c>).</summary>
    public int MinPriors
    {
        get => _loss.MinPriors;
        set => _loss.MinPriors = value;
    }

    public BackboneShape Shape => _net.Shape;

    public string Arch => DetectorArch.Ssd;

    public nn.Module Module => _net;

    public int InputSize => _net.InputSize;

    public (int Width, int Height) ExportInput => _net.ExportInput;

    public void SetExportInput(int width, int height) => _net.SetExportInput(width, height);

    public IEnumerable<nn.Module> Backbone => _net.Backbone;

    public string Layout => "ssd";

    public string Architecture
    {
        get
        {
            var levels = SsdShapesNet.Levels;
            var ratios = string.Join(", ", levels[0].AspectRatios.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r:0.##}:1, 1:{r:0.##}")));
            var scales = string.Join('/', levels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Scale:0.###}")));
            return string.Create(
                CultureInfo.InvariantCulture,
                $"SSD, depthwise-separable backbone ({Shape.Describe()}), {levels.Count} feature maps at strides {string.Join('/', levels.Select(l => l.Stride))}, {_net.PriorCount} priors ({levels[0].PerCell} per cell: aspect ratios 1:1, {ratios} and an extra 1:1 scale; scales {scales}), variances 0.1/0.2, {_net.ParameterCount()} parameters");
        }
    }

    public (Tensor Total, Tensor Cls, Tensor Box) Loss(Tensor input, IReadOnlyList<TrainingSample> samples)
    {
        var (offsets, logits) = _net.forward(input);
        return _loss.Compute(offsets, logits, samples, (int)input.shape[3]);
    }

    public DetectedObject[][] Detect(Tensor input, IReadOnlyList<(int Width, int Height)> imageSizes, IReadOnlyList<string> labels)
    {
        var (offsets, logits) = _net.forward(input);
        var (boxes, scores) = _net.Decode(offsets, logits);
        var b = boxes.contiguous().data<float>().ToArray();
        var s = scores.contiguous().data<float>().ToArray();
        var detections = new DetectedObject[imageSizes.Count][];
        for (var k = 0; k < imageSizes.Count; k++)
        {
            detections[k] = DecodeImage(b, s, k, labels, imageSizes[k].Width, imageSizes[k].Height);
        }

        return detections;
    }

    public void Initialize(string checkpoint, TextWriter log)
    {
        // Not strict: a YOLO checkpoint of the same width fills the shared backbone and nothing else.
        var loaded = new Dictionary<string, bool>();
        _net.load(checkpoint, strict: false, loadedParameters: loaded);
        var count = loaded.Count(p => p.Value);
        var total = _net.state_dict().Count;
        if (count == 0)
        {
            throw new InvalidDataException($"{checkpoint}: no tensor of it fits this SSD network ({Shape.Describe()}); pass an SSD or YOLO checkpoint of the same backbone (--width, --stem, --channels).");
        }

        log.WriteLine($"initialized {count} of {total} tensors from {checkpoint}");
    }

    public void Emit(OnnxGraphBuilder graph) => _net.Emit(graph);

    // No Ultralytics keys (names, task): without its card the runtime then asks for one instead of guessing a YOLO layout.
    public IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<string> labels) => new Dictionary<string, string>
    {
        ["lookout_layout"] = "ssd",
        ["lookout_labels"] = string.Join(",", labels),
        ["lookout_input"] = $"{_net.ExportInput.Width}x{_net.ExportInput.Height}",
    };

    public void Dispose() => _net.Dispose();

    /// <summary>
    /// The ssd-layout outputs of one image ([B·N·4] normalized corners, [B·N·(1 + C)] softmax scores) to
    /// detections in that image's pixels: best non-background class per prior, score ≥ 0.01, NMS 0.6, at most 100.
    /// </summary>
    internal DetectedObject[] DecodeImage(float[] boxes, float[] scores, int imageIndex, IReadOnlyList<string> labels, int width, int height)
    {
        var n = _net.PriorCount;
        var columns = _net.Classes + 1;
        var size = (float)_net.InputSize;
        var candidates = new List<Candidate>();
        for (var i = 0; i < n; i++)
        {
            var row = (imageIndex * n + i) * columns;
            var bestClass = 0;
            var bestScore = 0f;
            for (var c = 1; c < columns; c++)
            {
                var s = scores[row + c];
                if (s > bestScore)
                {
                    bestScore = s;
                    bestClass = c - 1;
                }
            }

            if (bestScore < 0.01f)
            {
                continue;
            }

            var o = (imageIndex * n + i) * 4;
            var box = DetectorArch.Unletterbox(boxes[o] * size, boxes[o + 1] * size, boxes[o + 2] * size, boxes[o + 3] * size, _net.InputSize, width, height);
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
