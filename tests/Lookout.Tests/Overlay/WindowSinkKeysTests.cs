using Lookout.Overlay.Sinks;

namespace Lookout.Tests.Overlay;

public sealed class WindowSinkKeysTests
{
    [Theory]
    [InlineData('+', 1)]
    [InlineData('=', 1)]
    [InlineData(0xFFAB, 1)] // the keypad's plus under GTK
    [InlineData('-', -1)]
    [InlineData('_', -1)]
    [InlineData(0xFFAD, -1)] // the keypad's minus
    public void HandleKey_PlusOrMinus_StepsTheScore(int key, int expected)
    {
        var steps = new List<int>();
        var quits = 0;
        using var sink = new WindowSink("lookout-keys", () => quits++, _ => ":99") { ScoreKeys = steps.Add };

        sink.HandleKey(key);

        Assert.Equal([expected], steps);
        Assert.Equal(0, quits);
        Assert.False(sink.Paused);
    }

    [Fact]
    public void HandleKey_OtherKeys_DoNotStepTheScore()
    {
        var steps = new List<int>();
        var quits = 0;
        using var sink = new WindowSink("lookout-keys", () => quits++, _ => ":99") { ScoreKeys = steps.Add };

        sink.HandleKey(' ');
        sink.HandleKey('a');
        sink.HandleKey(-1);
        sink.HandleKey('q');

        Assert.Empty(steps);
        Assert.Equal(1, quits);
    }
}
