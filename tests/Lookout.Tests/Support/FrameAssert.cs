using Lookout.Capture;

namespace Lookout.Tests.Support;

/// <summary>Leak check: every frame a scenario created has been disposed once it settles.</summary>
public static class FrameAssert
{
    public static void NoLiveFrames(long before)
    {
        // Frames are disposed on pipeline threads that may finish just after the awaited result.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Frame.LiveCount != before && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.Equal(before, Frame.LiveCount);
    }
}
