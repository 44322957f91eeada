namespace Lookout.Detection.Tests;

public sealed class UltralyticsMetadataTests
{
    [Fact]
    public void TryParseNames_PythonDictLiteral_ReturnsNamesByIndex()
    {
        Assert.True(UltralyticsMetadata.TryParseNames("{0: 'person', 1: 'bicycle', 2: 'traffic light'}", out string[]? names));

        Assert.Equal(["person", "bicycle", "traffic light"], names);
    }

    [Fact]
    public void TryParseNames_DoubleQuotesAndEscapes_AreUnquoted()
    {
        Assert.True(UltralyticsMetadata.TryParseNames("{0: \"driver's seat\", 1: 'it\\'s', 2: 'back\\\\slash'}", out string[]? names));

        Assert.Equal(["driver's seat", "it's", "back\\slash"], names);
    }

    [Fact]
    public void TryParseNames_JsonObjectOutOfOrder_IsAccepted()
    {
        Assert.True(UltralyticsMetadata.TryParseNames("{\"1\": \"dog\", \"0\": \"cat\",}", out string[]? names));

        Assert.Equal(["cat", "dog"], names);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("['person', 'car']")]
    [InlineData("{0: 'person', 2: 'car'}")]
    [InlineData("{0: 'person', 0: 'car'}")]
    [InlineData("{0: 'person'")]
    [InlineData("{0: person}")]
    [InlineData("{0: 'person'} trailing")]
    public void TryParseNames_Malformed_ReturnsFalse(string text)
    {
        Assert.False(UltralyticsMetadata.TryParseNames(text, out _));
    }

    [Theory]
    [InlineData("[640, 640]", 640, 640)]
    [InlineData("[480, 640]", 480, 640)]
    [InlineData("(384, 672)", 384, 672)]
    [InlineData("320", 320, 320)]
    public void TryParseImageSize_Valid_ReturnsHeightThenWidth(string text, int height, int width)
    {
        Assert.True(UltralyticsMetadata.TryParseImageSize(text, out int h, out int w));

        Assert.Equal((height, width), (h, w));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[640, 640, 3]")]
    [InlineData("[0, 640]")]
    [InlineData("big")]
    public void TryParseImageSize_Malformed_ReturnsFalse(string text)
    {
        Assert.False(UltralyticsMetadata.TryParseImageSize(text, out _, out _));
    }
}
