using Lookout.Capture;
using Lookout.Host.Verbs;

namespace Lookout.Tests.Host.Cli;

public sealed class StreamFailAfterTests
{
    [Theory]
    [InlineData("5", 5, 0)]
    [InlineData("90s", 0, 90)]
    [InlineData("10m", 0, 600)]
    [InlineData("00:02:00", 0, 120)]
    [InlineData("", 0, 0)]
    [InlineData(null, 0, 0)]
    public void Policy_AttemptsOrDuration_SetsTheMatchingLimit(string? text, int attempts, double seconds)
    {
        var policy = StreamFailAfter.Policy(text);

        Assert.Equal(attempts, policy.FailAfterAttempts);
        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.FailAfterDuration);
        Assert.Equal(attempts > 0 || seconds > 0, policy.GivesUp);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("often")]
    public void Policy_NeitherAttemptsNorDuration_ThrowsNamingTheKey(string text)
    {
        var error = Assert.Throws<SourceException>(() => StreamFailAfter.Policy(text));

        Assert.Contains("Source:FailAfter", error.Message, StringComparison.Ordinal);
    }
}
