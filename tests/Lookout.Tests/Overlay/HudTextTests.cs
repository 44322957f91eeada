using Lookout.Overlay;

namespace Lookout.Tests.Overlay;

public sealed class HudTextTests
{
    [Fact]
    public void Update_WithScoreThreshold_ShowsItAtTheNextRefresh()
    {
        var hud = new HudText();
        Thread.Sleep(600); // the line is refreshed twice a second

        var line = hud.Update(3.0, 40, 0, 0.74f);

        Assert.StartsWith("fps ", line, StringComparison.Ordinal);
        Assert.EndsWith("latency 40 ms  score > 0.74", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_WithoutScoreThreshold_LeavesItOut()
    {
        var hud = new HudText();
        Thread.Sleep(600);

        var line = hud.Update(3.0, 40, 2);

        Assert.DoesNotContain("score", line, StringComparison.Ordinal);
        Assert.EndsWith("dropped 2", line, StringComparison.Ordinal);
    }
}
