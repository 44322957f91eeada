using System.Diagnostics;
using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using OpenCvSharp;

namespace Lookout.Host.Verbs;

public sealed partial class BenchJob
{
    private const string Codec = "mp4v";

    /// <summary>
    /// The classic OpenCV sample loop on one thread: read a frame, detect, draw, write, repeat; with the same detector,
    /// renderer, HUD and encoder as the pipeline.
    /// </summary>
    private RunResult RunSequential(string input, OnnxDetector detector, int frames, string output, int steadyFrom, CancellationToken stop)
    {
        var stages = StageSet.Create();
        var renderer = new Renderer();
        var hud = new HudText();
        using var capture = new VideoCapture(input, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            throw new SourceException($"Input '{input}' is not a video this build can decode (OpenCV/FFmpeg could not open it).");
        }

        var fps = capture.Fps is > 0 and < 1000 ? capture.Fps : 25;
        using var image = new Mat();
        VideoWriter? writer = null;
        try
        {
            long done = 0;
            long steadyBytes = 0;
            var started = Stopwatch.GetTimestamp();
            while (done < frames && !stop.IsCancellationRequested)
            {
                if (done == steadyFrom)
                {
                    steadyBytes = GC.GetAllocatedBytesForCurrentThread();
                }

                var t0 = Stopwatch.GetTimestamp();
                if (!capture.Read(image) || image.Empty())
                {
                    break;
                }

                var t1 = Stopwatch.GetTimestamp();
                var detections = detector.Detect(image, out var timings);
                var t2 = Stopwatch.GetTimestamp();
                var text = _overlay.Hud ? hud.Update(timings.InferenceMs, Stopwatch.GetElapsedTime(t0, t2).TotalMilliseconds, 0) : null;
                renderer.Draw(image, _overlay.Boxes ? detections : [], text);
                var t3 = Stopwatch.GetTimestamp();
                writer ??= OpenWriter(output, fps, image);
                writer.Write(image);
                var t4 = Stopwatch.GetTimestamp();

                stages.Decode.Record(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                stages.Preprocess.Record(timings.PreprocessMs);
                stages.Inference.Record(timings.InferenceMs);
                stages.Postprocess.Record(timings.PostprocessMs);
                stages.Draw.Record(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                stages.Encode.Record(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
                done++;
            }

            var allocated = done > steadyFrom ? (double)(GC.GetAllocatedBytesForCurrentThread() - steadyBytes) / (done - steadyFrom) : 0;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            writer?.Release();
            return new RunResult(new BenchReport.RunFigures(done, seconds, BenchReport.Ratio(done, seconds), allocated, $"OpenCV VideoWriter {Codec}"), stages);
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private static VideoWriter OpenWriter(string path, double fps, Mat image)
    {
        var writer = new VideoWriter(path, FourCC.FromString(Codec), fps, new Size(image.Cols, image.Rows));
        if (!writer.IsOpened())
        {
            writer.Dispose();
            throw new OutputException($"Cannot open a video writer for '{path}' (codec {Codec}, {image.Cols}x{image.Rows}).");
        }

        return writer;
    }

    /// <summary>
    /// The <c>annotate</c> pipeline itself (<see cref="FilePipeline"/>) writing an annotated video with the writer
    /// <paramref name="encoder"/> picks (<see cref="VideoSinks.Create"/>).
    /// </summary>
    private async Task<RunResult> RunPipelinedAsync(string input, OnnxDetector detector, int frames, string output, string encoder, int steadyFrom, CancellationToken stop)
    {
        using var source = VideoFileSource.Open(input, frames, _loggers.CreateLogger("lookout.capture"));
        var writer = VideoSinks.Create(output, source.Info.Fps, Codec, encoder);
        var sinks = new List<IFrameSink> { writer };
        var sampler = new AllocationSampler(steadyFrom, frames);
        try
        {
            var pipeline = new FilePipeline(source, detector.Detect, sinks, _overlay, _source.QueueCapacity) { Progress = sampler.Sample };
            var stats = await pipeline.RunAsync(stop).ConfigureAwait(false);
            sampler.Finish(stats.Frames);
            foreach (var sink in sinks)
            {
                sink.Complete();
            }

            var seconds = stats.Elapsed.TotalSeconds;
            var figures = new BenchReport.RunFigures(stats.Frames, seconds, BenchReport.Ratio(stats.Frames, seconds), sampler.BytesPerFrame, VideoSinks.Describe(writer));
            return new RunResult(figures, StageSet.Of(stats));
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }
        }
    }

    private static List<BenchReport.StageFigures> StageTable(StageSet pipelined, StageSet sequential)
    {
        var table = new List<BenchReport.StageFigures>(6);
        var p = pipelined.All;
        var s = sequential.All;
        for (var i = 0; i < p.Length; i++)
        {
            table.Add(new BenchReport.StageFigures(p[i].Name, BenchReport.Latency.Of(p[i].Stats), BenchReport.Latency.Of(s[i].Stats)));
        }

        return table;
    }

    /// <summary>
    /// The pipeline runs capture, detect and output on three threads, so its rate is bounded by the slowest thread's
    /// time per frame; that thread is the bottleneck the throughput is compared with.
    /// </summary>
    private static BenchReport.BottleneckFigures FindBottleneck(StageSet pipelined, StageSet sequential, double pipelinedFps)
    {
        var threads = pipelined.Threads;
        var slowest = 0;
        for (var i = 1; i < threads.Length; i++)
        {
            if (threads[i].Ms > threads[slowest].Ms)
            {
                slowest = i;
            }
        }

        var stage = pipelined.All.MaxBy(s => s.Stats.Mean);
        var rate = BenchReport.Ratio(1000, threads[slowest].Ms);
        var isolated = BenchReport.Ratio(1000, sequential.Threads[slowest].Ms);
        return new BenchReport.BottleneckFigures(
            stage.Name,
            threads[slowest].Name,
            threads[slowest].Stages,
            threads[slowest].Ms,
            rate,
            BenchReport.Ratio(pipelinedFps, rate),
            isolated,
            BenchReport.Ratio(pipelinedFps, isolated));
    }

    private sealed record RunResult(BenchReport.RunFigures Figures, StageSet Stages);

    /// <summary>The six measured stages, named as the report names them.</summary>
    private sealed record StageSet(StageStats Decode, StageStats Preprocess, StageStats Inference, StageStats Postprocess, StageStats Draw, StageStats Encode)
    {
        public (string Name, StageStats Stats)[] All =>
        [
            ("decode", Decode), ("preprocess", Preprocess), ("inference", Inference), ("decode+nms", Postprocess), ("draw", Draw), ("encode", Encode),
        ];

        /// <summary>Mean milliseconds per frame of each pipeline thread.</summary>
        public (string Name, string Stages, double Ms)[] Threads =>
        [
            ("capture", "decode", Decode.Mean),
            ("detect", "preprocess + inference + decode+nms", Preprocess.Mean + Inference.Mean + Postprocess.Mean),
            ("output", "draw + encode", Draw.Mean + Encode.Mean),
        ];

        public static StageSet Create() => new(new("decode"), new("preprocess"), new("inference"), new("decode+nms"), new("draw"), new("encode"));

        // The pipeline's only sink is the video writer, so its "write" stage is the encoder.
        public static StageSet Of(RunStats stats) => new(stats.Decode, stats.Preprocess, stats.Inference, stats.Postprocess, stats.Draw, stats.Write);
    }

    /// <summary>
    /// Managed bytes allocated by the whole process per frame between frame <c>steadyFrom</c> and the last frame,
    /// read on the output thread. The precise count suspends the runtime for a moment, so it is read twice only.
    /// </summary>
    private sealed class AllocationSampler(long steadyFrom, long expected)
    {
        private long _startBytes = -1;
        private long _endBytes = -1;
        private long _endFrames;

        public double BytesPerFrame => _startBytes >= 0 && _endBytes >= 0 && _endFrames > steadyFrom
            ? (double)(_endBytes - _startBytes) / (_endFrames - steadyFrom)
            : 0;

        public void Sample(long done)
        {
            if (done == steadyFrom)
            {
                _startBytes = GC.GetTotalAllocatedBytes(precise: true);
            }
            else if (done == expected && _startBytes >= 0)
            {
                _endBytes = GC.GetTotalAllocatedBytes(precise: true);
                _endFrames = done;
            }
        }

        /// <summary>The run ended early (a shorter video, Ctrl+C): count up to where it stopped.</summary>
        public void Finish(long done)
        {
            if (_endBytes < 0 && _startBytes >= 0)
            {
                _endBytes = GC.GetTotalAllocatedBytes(precise: true);
                _endFrames = done;
            }
        }
    }
}
