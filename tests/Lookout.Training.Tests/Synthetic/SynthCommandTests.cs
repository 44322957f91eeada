using Lookout.Training.Cli;
using Lookout.Training.Synthetic;

namespace Lookout.Training.Tests.Synthetic;

public sealed class SynthCommandTests
{
    [Theory]
    [InlineData("4-14", 4, 14)]
    [InlineData("1-8", 1, 8)]
    [InlineData("0-3", 0, 3)]
    [InlineData("6", 6, 6)]
    public void ParseObjects_Range_MinAndMax(string text, int min, int max)
    {
        Assert.Equal(new ObjectCount(min, max), SynthCommand.ParseObjects(text));
    }

    [Fact]
    public void ParseObjects_NotGiven_Null()
    {
        Assert.Null(SynthCommand.ParseObjects(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a-b")]
    [InlineData("5-3")]
    [InlineData("0")]
    [InlineData("0-0")]
    [InlineData("1-65")]
    [InlineData("1-2-3")]
    [InlineData("-2")]
    public void ParseObjects_Bad_UsageErrorNamingOption(string text)
    {
        var error = Assert.Throws<UsageException>(() => SynthCommand.ParseObjects(text));
        Assert.Contains("--objects", error.Message);
    }

    [Theory]
    [InlineData("8-24", 8, 24)]
    [InlineData("0-0", 0, 0)]
    [InlineData("0", 0, 0)]
    [InlineData("64", 64, 64)]
    public void ParseDistractors_Range_MinAndMax(string text, int min, int max)
    {
        Assert.Equal(new DistractorCount(min, max), SynthCommand.ParseDistractors(text));
    }

    [Fact]
    public void ParseDistractors_NotGiven_Null()
    {
        Assert.Null(SynthCommand.ParseDistractors(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("9-3")]
    [InlineData("1-65")]
    [InlineData("-2")]
    public void ParseDistractors_Bad_UsageErrorNamingOption(string text)
    {
        var error = Assert.Throws<UsageException>(() => SynthCommand.ParseDistractors(text));
        Assert.Contains("--distractors", error.Message);
    }
}
