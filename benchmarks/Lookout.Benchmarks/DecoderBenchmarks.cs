using BenchmarkDotNet.Attributes;
using Lookout.Detection;

namespace Lookout.Benchmarks;

/// <summary>
/// Each layout's decoder on a full-size output of its usual export, 1 % of anchors firing, threshold 0.25:
/// YOLOv8 640 (8,400 × 80, channel-major), YOLOv5 640 (25,200 × 80), YOLOX-nano 416 (3,549 × 80), UltraFace (4,420 × 1).
/// </summary>
[MemoryDiagnoser]
public class DecoderBenchmarks
{
    private const float Threshold = 0.25f;
    private const double Positive = 0.01;
    private static readonly int[] s_yoloxStrides = [8, 16, 32];

    private float[] _yolov8 = [];
    private float[] _yolov5 = [];
    private float[] _yolox = [];
    private float[] _ssdBoxes = [];
    private float[] _ssdScores = [];
    private Candidate[] _destination = [];
    private float[] _scratchFloats = [];
    private int[] _scratchInts = [];

    [GlobalSetup]
    public void Setup()
    {
        _yolov8 = Synthetic.Yolov8ChannelsFirst(8400, 80, 640, Positive);
        _yolov5 = Synthetic.RowsWithObjectness(25200, 80, 640, Positive, yoloxGrid: false);
        _yolox = Synthetic.RowsWithObjectness(3549, 80, 416, Positive, yoloxGrid: true);
        (_ssdBoxes, _ssdScores) = Synthetic.Ssd(4420, 1, Positive);
        _destination = new Candidate[25200];
        _scratchFloats = new float[25200];
        _scratchInts = new int[25200];
    }

    [Benchmark(Description = "yolov8 8400x80")]
    public int Yolov8() => OutputDecoder.DecodeYolov8(_yolov8, 8400, 80, channelsFirst: true, Threshold, _destination, _scratchFloats, _scratchInts);

    [Benchmark(Description = "yolov5 25200x80")]
    public int Yolov5() => OutputDecoder.DecodeYolov5(_yolov5, 25200, 80, Threshold, _destination);

    [Benchmark(Description = "yolox 3549x80")]
    public int Yolox() => OutputDecoder.DecodeYolox(_yolox, 3549, 80, 416, 416, s_yoloxStrides, Threshold, _destination);

    [Benchmark(Description = "ssd 4420x1")]
    public int Ssd() => OutputDecoder.DecodeSsd(_ssdBoxes, _ssdScores, 4420, 2, 320, 240, Threshold, _destination);
}
