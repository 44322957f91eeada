using Lookout.Detection;
using Lookout.Host.Pipeline;
using OpenCvSharp;

namespace Lookout.Tests.Support;

/// <summary>Stand-in detectors for pipeline tests.</summary>
public static class TestDetectors
{
    /// <summary>Takes <paramref name="delay"/> per frame and finds one box.</summary>
    public static DetectFunc Slow(TimeSpan delay) => (Mat image, out DetectionTimings timings) =>
    {
        if (delay > TimeSpan.Zero)
        {
            Thread.Sleep(delay);
        }

        timings = new DetectionTimings(0, delay.TotalMilliseconds, 0);
        return [new Detection.Detection(0, "thing", 0.9f, new BoxF(1, 1, 10, 10))];
    };
}
