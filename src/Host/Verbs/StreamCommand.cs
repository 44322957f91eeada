using System.CommandLine;
using Lookout.Host.Cli;

namespace Lookout.Host.Verbs;

/// <summary>The <c>lookout stream</c> command line: options mapped onto configuration keys, run as <see cref="StreamJob"/>.</summary>
internal static class StreamCommand
{
    public static Command Build()
    {
        var map = new OptionMap();
        var source = new Argument<string>("SOURCE")
        {
            Description = "rtsp://[user:password@]host[:port]/path (credentials are masked in every log line and output), a camera index, or a video file played at its frame rate.",
        };
        var command = new Command("stream", "Headless live detection: JSON lines (with dropped and latency_ms) and an optional recording; a lost RTSP stream reconnects with capped exponential back-off.");
        command.Arguments.Add(source);
        LookoutCli.AddDetectorOptions(map, "Score threshold (default: the card's).");
        map.Add(new Option<string>("--detections") { Description = "JSON lines file; '-' for standard output (the default when no --output is given)." }, "Outputs:Detections");
        map.Add(new Option<string>("--output", "-o") { Description = "Also record the annotated frames to this video (.mp4 mp4v, .avi MJPG/XVID)." }, "Outputs:Video");
        LookoutCli.AddVideoEncoding(map);
        LookoutCli.AddFilePlayback(map);
        map.Add(new Option<double>("--segment") { Description = "Start a new recording file every this many minutes (name-yyyyMMdd-HHmmss.mp4); 0: one file." }, "Outputs:Segment", m => TimeSpan.FromMinutes(m).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        LookoutCli.AddRunLimits(map);
        map.Add(
            new Option<TimeSpan>("--stall-timeout")
            {
                Description = "A stream that delivers no frame for this long (connecting included) is reconnected: 10 (default), 10s, 1m.",
                CustomParser = r =>
                {
                    var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                    if (DurationText.TryParse(text, out var value) && value >= TimeSpan.FromSeconds(1))
                    {
                        return value;
                    }

                    r.AddError($"--stall-timeout: '{text}' is not a duration of at least 1 s; use 10, 10s, 1m or hh:mm:ss.");
                    return default;
                },
            },
            "Source:StallTimeout");
        map.Add(
            new Option<string>("--fail-after")
            {
                Description = "Give up reconnecting after N failed attempts (5) or this long without frames (90s, 10m, hh:mm:ss); default: retry until stopped.",
                CustomParser = r =>
                {
                    var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                    if (!StreamFailAfter.TryParse(text, out _, out _))
                    {
                        r.AddError($"--fail-after: '{text}' is neither a number of attempts (5) nor a duration (90s, 10m, hh:mm:ss).");
                    }

                    return text;
                },
            },
            "Source:FailAfter");
        map.Add(new Option<double>("--metrics-interval") { Description = "Seconds between metrics lines in the log (default 10; 0: none)." }, "Outputs:MetricsInterval", s => TimeSpan.FromSeconds(s).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        map.AddFlag(new Option<bool>("--no-hud") { Description = "Do not draw the HUD line on recorded frames." }, "Overlay:Hud", "false");
        map.AddTo(command);
        command.SetAction((result, _) =>
        {
            var overrides = map.Overrides(result);
            overrides["Source:Input"] = result.GetValue(source);
            return LookoutHost.RunAsync<JobService<StreamJob>>(overrides, LookoutCli.AddJob<StreamJob>);
        });
        return command;
    }
}
