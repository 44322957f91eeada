using Lookout.Host.Cli;

namespace Lookout.Tests.Host.Cli;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("00:01:30", 90)]
    public void TryParse_CommonForms_Seconds(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("10x")]
    public void TryParse_NotADuration_False(string text) => Assert.False(DurationText.TryParse(text, out _));
}
