using System.CommandLine;
using Lookout.Detection;
using Lookout.Host.Verbs;
using Microsoft.Extensions.DependencyInjection;

namespace Lookout.Host.Cli;

/// <summary>The <c>lookout</c> command line: verbs over one generic host and pipeline.</summary>
public static class LookoutCli
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Lookout: real-time object detection on videos, images, cameras and streams (ONNX Runtime + OpenCV).");
        var annotate = BuildAnnotate(out var annotateMap, out var inputArgument);
        root.Subcommands.Add(annotate);

        // With no verb, annotate the configured default input with the configured default model.
        root.SetAction((result, _) => LookoutHost.RunAsync<JobService<AnnotateJob>>(new Dictionary<string, string?>(), AddJob<AnnotateJob>));
        annotate.SetAction((result, _) =>
        {
            var overrides = annotateMap.Overrides(result);
            if (result.GetValue(inputArgument) is { } input)
            {
                overrides["Source:Input"] = input;
            }

            return LookoutHost.RunAsync<JobService<AnnotateJob>>(overrides, AddJob<AnnotateJob>);
        });

        var watch = BuildWatch(out var watchMap, out var watchSource);
        root.Subcommands.Add(watch);
        watch.SetAction((result, _) =>
        {
            var overrides = watchMap.Overrides(result);
            if (result.GetValue(watchSource) is { } source)
            {
                overrides["Source:Input"] = source;
            }

            return LookoutHost.RunAsync<JobService<WatchJob>>(overrides, AddJob<WatchJob>);
        });

        root.Subcommands.Add(StreamCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());

        var eval = BuildEval(out var evalMap);
        root.Subcommands.Add(eval);
        eval.SetAction((result, _) => LookoutHost.RunAsync<JobService<EvalJob>>(evalMap.Overrides(result), services =>
        {
            services.AddOptions<EvalOptions>().BindConfiguration(EvalOptions.SectionName);
            AddJob<EvalJob>(services);
        }));

        // The host handles SIGINT/SIGTERM itself (drain, finalize outputs), so the parser must not.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    internal static void AddJob<TJob>(IServiceCollection services)
        where TJob : class, IJob => services.AddSingleton<TJob>();

    private static Command BuildEval(out OptionMap map)
    {
        map = new OptionMap();
        var command = new Command("eval", "Score a detector on a labelled dataset: per-class AP, VOC mAP50 and COCO-style mAP50-95 (difficult objects ignored).");
        AddDetectorOptions(map, $"Score threshold (default {EvalOptions.DefaultScoreThreshold}, so the precision-recall curve is complete).");
        map.Add(new Option<string>("--data") { Description = "PASCAL VOC folder (Annotations/, JPEGImages/, ImageSets/Main/), YOLO-txt folder (images/, labels/, classes.txt), or a video with per-frame truth (--truth).", Required = true }, "Eval:Data");
        map.Add(new Option<string>("--truth") { Description = "Ground truth of a video given as --data: one JSON line per frame in the annotate schema, as `lookout-train synth --video` writes (default: the video's path with .jsonl)." }, "Eval:Truth");
        map.Add(new Option<string>("--split") { Description = "Split to score (default: test when the dataset has one, else every image)." }, "Eval:Split");
        map.Add(new Option<string>("--json") { Description = "Also write the report as JSON to this file." }, "Eval:Json");
        map.AddFlag(new Option<bool>("--record") { Description = "Record mAP50, mAP50-95 and the p50 inference latency in the model card's \"evaluation\" object." }, "Eval:Record", "true");
        map.AddFlag(new Option<bool>("--calibrate") { Description = "Set the model card's score_threshold to the threshold of best F1 on this data (use a validation split, not the test split). Not with --class-agnostic or --multi-label." }, "Eval:Calibrate", "true");
        map.AddFlag(new Option<bool>("--class-agnostic") { Description = "Score all classes as one, with class-agnostic NMS: a detection matches an object of any class (finding and placing, apart from naming). Not with --record." }, "Eval:ClassAgnostic", "true");
        map.AddFlag(new Option<bool>("--no-progress") { Description = "No progress bar on standard error." }, "Outputs:Progress", "false");
        map.AddTo(command);
        return command;
    }

    private static Command BuildAnnotate(out OptionMap map, out Argument<string?> input)
    {
        map = new OptionMap();
        input = new Argument<string?>("INPUT")
        {
            Description = "A video file, an image, or a folder of images (default: Source:Input, the bundled sample).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("annotate", "Detect objects in a video, an image or an image folder as fast as the machine allows; write an annotated video or images and JSON lines.");
        command.Arguments.Add(input);
        AddDetectorOptions(map, "Score threshold (default: the card's).");
        map.Add(new Option<string>("--output", "-o") { Description = "Annotated video (.mp4 mp4v, .avi MJPG/XVID), or image file/folder for image inputs." }, "Outputs:Video");
        map.Add(new Option<string>("--detections") { Description = "JSON lines file, one object per frame; '-' for standard output." }, "Outputs:Detections");
        AddVideoEncoding(map);
        AddRunLimits(map);
        map.AddFlag(new Option<bool>("--no-hud") { Description = "Do not draw the FPS/latency line." }, "Overlay:Hud", "false");
        map.AddFlag(new Option<bool>("--no-progress") { Description = "No progress bar on standard error." }, "Outputs:Progress", "false");
        map.AddTo(command);
        return command;
    }

    private static Command BuildWatch(out OptionMap map, out Argument<string?> source)
    {
        map = new OptionMap();
        source = new Argument<string?>("SOURCE")
        {
            Description = "A camera index (0, 1, …), an rtsp:// URL, or a video file played at its own frame rate (default: Source:Input, the bundled sample).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("watch", "Live detection in a window: boxes, labels and a HUD (fps, capture fps, inference, latency, dropped). q or Esc quits, space pauses.");
        command.Arguments.Add(source);
        AddDetectorOptions(map, "Score threshold (default: the card's).");
        AddFilePlayback(map);
        map.Add(new Option<int>("--width") { Description = "Camera: frame width to ask for." }, "Source:Width");
        map.Add(new Option<int>("--height") { Description = "Camera: frame height to ask for." }, "Source:Height");
        map.Add(new Option<double>("--fps") { Description = "Camera: frame rate to ask for." }, "Source:Fps");
        map.Add(new Option<string>("--output", "-o") { Description = "Also record the annotated frames to this video (.mp4 mp4v, .avi MJPG/XVID)." }, "Outputs:Video");
        map.Add(new Option<string>("--detections") { Description = "Also write JSON lines (with dropped and latency_ms) to this file; '-' for standard output." }, "Outputs:Detections");
        AddVideoEncoding(map);
        map.Add(new Option<double>("--segment") { Description = "Start a new recording file every this many minutes (name-yyyyMMdd-HHmmss.mp4); 0: one file." }, "Outputs:Segment", m => TimeSpan.FromMinutes(m).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        AddRunLimits(map);
        map.Add(new Option<double>("--metrics-interval") { Description = "Seconds between metrics lines in the log (default 10; 0: none)." }, "Outputs:MetricsInterval", s => TimeSpan.FromSeconds(s).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        map.AddFlag(new Option<bool>("--no-hud") { Description = "Do not draw the HUD line." }, "Overlay:Hud", "false");
        map.AddTo(command);
        return command;
    }

    /// <summary><c>--loop</c> and <c>--realtime</c>: how <c>watch</c> and <c>stream</c> play a video file.</summary>
    internal static void AddFilePlayback(OptionMap map)
    {
        map.AddFlag(new Option<bool>("--loop") { Description = "Play a video file again from the start at its end, until stopped." }, "Source:Loop");
        map.Add(new Option<bool>("--realtime") { Description = "Play a video file at its own frame rate, like a camera (the default); --realtime false: as fast as it decodes, still through the live gate (the detector takes the newest frame, the rest are dropped and counted)." }, "Source:Realtime");
    }

    /// <summary><c>--codec</c> and <c>--encoder</c>, on every verb that can write a video.</summary>
    internal static void AddVideoEncoding(OptionMap map)
    {
        map.Add(new Option<string>("--codec") { Description = "Video codec: mp4v (default), MJPG, XVID (OpenCV), or h264 through ffmpeg (plays in browsers)." }, "Outputs:Codec");
        map.Add(new Option<string>("--encoder") { Description = "Who encodes mp4v: auto (default: ffmpeg when installed, in its own process; else OpenCV), opencv, ffmpeg." }, "Outputs:Encoder");
    }

    /// <summary><c>--max-frames</c> and <c>--duration</c>, on every verb that reads frames.</summary>
    internal static void AddRunLimits(OptionMap map)
    {
        map.Add(new Option<long>("--max-frames") { Description = "Stop after N frames." }, "Source:MaxFrames");
        map.Add(
            new Option<TimeSpan>("--duration")
            {
                Description = "Stop after this long: 90, 90s, 10m, 2h or hh:mm:ss.",
                CustomParser = r =>
                {
                    var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                    if (DurationText.TryParse(text, out var value))
                    {
                        return value;
                    }

                    r.AddError($"--duration: '{text}' is not a duration; use 90, 90s, 10m, 2h or hh:mm:ss.");
                    return default;
                },
            },
            "Source:Duration");
    }

    internal static void AddDetectorOptions(OptionMap map, string scoreDescription)
    {
        map.Add(new Option<string>("--model", "-m") { Description = $"ONNX detector (default: {AnnotateJob.DefaultModel}). Its card <model>.json beside it says how to run it." }, "Detector:ModelPath");
        map.Add(new Option<string>("--card") { Description = "Model card JSON, when it is not beside the model." }, "Detector:CardPath");
        map.Add(new Option<float>("--score") { Description = scoreDescription }, "Detector:ScoreThreshold");
        map.Add(new Option<float>("--iou") { Description = "NMS IoU threshold (default: the card's)." }, "Detector:IouThreshold");
        map.AddFlag(new Option<bool>("--agnostic-nms") { Description = "Let boxes of different classes suppress each other." }, "Detector:AgnosticNms");
        map.AddFlag(new Option<bool>("--multi-label") { Description = "Let each anchor propose every class above the score threshold, not only its best." }, "Detector:MultiLabel");
        map.AddFlag(new Option<bool>("--fit") { Description = "Feed each source at the input that shows it largest within the card's pixels (a model with a dynamic height and width; default: the card's input.fit)." }, "Detector:Fit");
        map.AddFlag(new Option<bool>("--no-fit") { Description = "Feed every source at the card's input size, even where the card says input.fit." }, "Detector:Fit", "false");
        map.Add(new Option<int>("--max-detections") { Description = "Keep at most N detections per frame (default 300)." }, "Detector:MaxDetections");
        map.Add(new Option<ExecutionDevice>("--device") { Description = "auto (CUDA if it loads, else CPU), cpu or cuda." }, "Detector:Device");
        map.Add(new Option<int>("--device-id") { Description = "CUDA device index." }, "Detector:DeviceId");
        map.Add(new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: its default)." }, "Detector:IntraOpThreads");
        map.AddFlag(new Option<bool>("--spin") { Description = "Let ONNX Runtime's threads spin between runs (lower latency on an idle machine; takes CPU from the other stages)." }, "Detector:Spinning");
    }
}
