using System.CommandLine;
using Lookout.Host.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Lookout.Host.Verbs;

/// <summary>The <c>lookout bench</c> command line: options mapped onto configuration keys, run as <see cref="BenchJob"/>.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var map = new OptionMap();
        var input = new Argument<string>("INPUT") { Description = "A video file to measure on (vtest.avi, the bundled sample, …)." };
        var command = new Command(
            "bench",
            "Measure one model on one video in one run: pipelined annotate vs a sequential loop, ONNX Runtime vs OpenCV DNN, per-stage latency, the bottleneck, allocations per frame and peak memory.");
        command.Arguments.Add(input);
        LookoutCli.AddDetectorOptions(map, "Score threshold (default: the card's).");
        map.Add(new Option<int>("--frames") { Description = $"Frames each run goes over (default {new BenchOptions().Frames}; fewer when the video is shorter)." }, "Bench:Frames");
        map.Add(new Option<string>("--encoder") { Description = "Who encodes the pipelined run's mp4v: auto (default: ffmpeg when installed, else OpenCV), opencv, ffmpeg. The sequential loop always uses OpenCV's writer." }, "Outputs:Encoder");
        map.Add(new Option<string>("--json") { Description = "Also write the report as JSON to this file." }, "Bench:Json");
        map.AddTo(command);
        command.SetAction((result, _) =>
        {
            var overrides = map.Overrides(result);
            overrides["Source:Input"] = result.GetValue(input);
            return LookoutHost.RunAsync<JobService<BenchJob>>(overrides, services =>
            {
                services.AddOptions<BenchOptions>().BindConfiguration(BenchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
                LookoutCli.AddJob<BenchJob>(services);
            });
        });
        return command;
    }
}
