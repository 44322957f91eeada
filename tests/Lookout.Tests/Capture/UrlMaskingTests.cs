using Lookout.Capture;

namespace Lookout.Tests.Capture;

public sealed class UrlMaskingTests
{
    [Theory]
    [InlineData("rtsp://admin:secret@10.0.0.5:554/stream1", "rtsp://admin:***@10.0.0.5:554/stream1")]
    [InlineData("rtsp://admin:p@ss@cam.local/live", "rtsp://admin:***@cam.local/live")]
    [InlineData("rtsp://token123@cam.local/live", "rtsp://***@cam.local/live")]
    [InlineData("rtsp://admin:@cam.local", "rtsp://admin:***@cam.local")]
    [InlineData("RTSP://u:pw@host?x=1", "RTSP://u:***@host?x=1")]
    public void MaskCredentials_UrlWithUserInfo_MasksPassword(string url, string expected)
    {
        Assert.Equal(expected, UrlMasking.MaskCredentials(url));
    }

    [Theory]
    [InlineData("rtsp://10.0.0.5:554/stream1")]
    [InlineData("videos/shapes-sample.mp4")]
    [InlineData("user@example.com wrote this")]
    [InlineData("")]
    public void MaskCredentials_NoCredentials_ReturnsTextUnchanged(string text)
    {
        Assert.Equal(text, UrlMasking.MaskCredentials(text));
    }

    [Fact]
    public void MaskCredentials_UrlInsideAMessage_MasksEveryUrl()
    {
        var line = "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\nrtsp://bob:hunter2@cam-1/a: Server returned 401; also tried 'rtsp://bob:hunter2@cam-2:8554/b'";

        var masked = UrlMasking.MaskCredentials(line);

        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
        Assert.Contains("rtsp://bob:***@cam-1/a: Server returned 401", masked, StringComparison.Ordinal);
        Assert.Contains("'rtsp://bob:***@cam-2:8554/b'", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskCredentials_Null_ReturnsEmpty()
    {
        Assert.Equal(string.Empty, UrlMasking.MaskCredentials(null));
    }
}
