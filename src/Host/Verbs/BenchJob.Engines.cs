using System.Globalization;
using Lookout.Detection;
using Lookout.Host.Reporting;
using OpenCvSharp;

namespace Lookout.Host.Verbs;

public sealed partial class BenchJob
{
    /// <summary>
    /// ONNX Runtime and OpenCV DNN on the same frames, held in memory so decoding is not measured, with the same
    /// preprocessing, decoder and NMS; OpenCV gets as many threads as ONNX Runtime's intra-op setting.
    /// </summary>
    private BenchReport.EngineFigures CompareEngines(string input, OnnxDetector detector, int count, CancellationToken stop)
    {
        var frames = ReadFrames(input, count);
        try
        {
            var threads = _detector.IntraOpThreads;
            var ortThreads = threads > 0 ? Threads(threads) : "default threads";
            var ortInference = new StageStats("inference");
            var ortTotal = new StageStats("total");
            var expected = new Detection.Detection[frames.Count][];

            // Warm: a first call on a new frame size repaints the letterbox border.
            detector.Detect(frames[0]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < frames.Count; i++)
            {
                expected[i] = detector.Detect(frames[i], out var timings);
                ortInference.Record(timings.InferenceMs);
                ortTotal.Record(timings.TotalMs);
            }

            var detectorBytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / frames.Count;
            var ort = new BenchReport.EngineLatency(BenchReport.Latency.Of(ortInference), BenchReport.Latency.Of(ortTotal));

            var previousThreads = Cv2.GetNumThreads();
            var dnnThreads = threads > 0 ? Threads(threads) : Threads(previousThreads);
            if (threads > 0)
            {
                Cv2.SetNumThreads(threads);
            }

            try
            {
                using var dnn = OpenCvDnnDetector.Open(detector, frames[0].Size());
                var dnnInference = new StageStats("inference");
                var dnnTotal = new StageStats("total");
                var agreement = DetectionAgreement.None;
                dnn.Detect(frames[0], out _);
                for (var i = 0; i < frames.Count && !stop.IsCancellationRequested; i++)
                {
                    var actual = dnn.Detect(frames[i], out var timings);
                    dnnInference.Record(timings.InferenceMs);
                    dnnTotal.Record(timings.TotalMs);
                    agreement = agreement.Add(DetectionAgreement.Compare(expected[i], actual, detector.ScoreThreshold));
                }

                var other = new BenchReport.EngineLatency(BenchReport.Latency.Of(dnnInference), BenchReport.Latency.Of(dnnTotal));
                return new BenchReport.EngineFigures(
                    frames.Count,
                    ortThreads,
                    dnnThreads,
                    ort,
                    other,
                    BenchReport.Ratio(other.Inference.P50, ort.Inference.P50),
                    BenchReport.Ratio(other.Total.P50, ort.Total.P50),
                    new BenchReport.AgreementFigures(
                        agreement.Agrees, agreement.Matched, agreement.OnlyFirst, agreement.OnlySecond, agreement.Borderline, agreement.MinIoU, agreement.MaxScoreDifference),
                    null,
                    detectorBytes);
            }
            catch (ModelException e)
            {
                // Not every ONNX graph loads in OpenCV DNN; the rest of the report still stands, and says so.
                LogOpenCvDnnFailed(_logger, e.Message);
                return new BenchReport.EngineFigures(frames.Count, ortThreads, dnnThreads, ort, null, null, null, null, e.Message, detectorBytes);
            }
            finally
            {
                Cv2.SetNumThreads(previousThreads);
            }
        }
        finally
        {
            foreach (var frame in frames)
            {
                frame.Dispose();
            }
        }
    }

    private static string Threads(int n) => string.Create(CultureInfo.InvariantCulture, $"{n} thread{(n == 1 ? string.Empty : "s")}");

    private static List<Mat> ReadFrames(string input, int count)
    {
        var frames = new List<Mat>(count);
        using var capture = new VideoCapture(input, VideoCaptureAPIs.FFMPEG);
        while (frames.Count < count)
        {
            var frame = new Mat();
            if (!capture.Read(frame) || frame.Empty())
            {
                frame.Dispose();
                break;
            }

            frames.Add(frame);
        }

        if (frames.Count == 0)
        {
            throw new Capture.SourceException($"Input '{input}' yielded no frame for the engine comparison.");
        }

        return frames;
    }
}
