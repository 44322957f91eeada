using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lookout.Tests.Support;

namespace Lookout.Tests.Host;

/// <summary><c>lookout stream</c>: headless live detection of an RTSP stream that goes away and comes back.</summary>
public sealed class StreamTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public void Stream_ServerKilledMidStreamAndRestarted_KeepsRunningResumesAndLogsTheReconnectOnce()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        Skip.If(LookoutProcess.HostAssembly is null, "src/Host is not built beside the tests");
        Skip.If(LookoutProcess.SigintSkipReason is not null, LookoutProcess.SigintSkipReason);
        using var server = RtspTestServer.Start(width: 160, height: 120, fps: 10);
        var url = server.Url("viewer:s3cret");
        using var lookout = LookoutProcess.Start(null, "stream", url, "--device", "cpu", "--stall-timeout", "10s", "--metrics-interval", "0");

        Assert.True(WaitForLines(lookout, 3), $"no JSON lines before the kill: {lookout.StandardError}");
        server.Kill();
        Thread.Sleep(TimeSpan.FromSeconds(1));
        server.Restart();
        Assert.True(lookout.WaitForError("stream back after", s_patience), $"no recovery logged: {lookout.StandardError}");
        var afterRecovery = Lines(lookout).Length;
        Assert.True(WaitForLines(lookout, afterRecovery + 3), $"no JSON lines after the restart: {lookout.StandardError}");
        lookout.Interrupt();
        var code = lookout.WaitForExit(s_patience);

        var error = lookout.StandardError;
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal(1, Occurrences(error, "stream lost ("));
        Assert.Equal(1, Occurrences(error, "stream back after"));
        Assert.Contains("reconnects: 1", error, StringComparison.Ordinal);
        var lines = Lines(lookout).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var frames = lines.Select(l => l.GetProperty("frame").GetInt64()).ToArray();
        Assert.Equal(frames.Order(), frames);
        Assert.All(lines, l =>
        {
            Assert.Equal($"rtsp://viewer:***@127.0.0.1:{server.Port}/test", l.GetProperty("source").GetString());
            Assert.True(l.GetProperty("latency_ms").GetDouble() >= 0);
            Assert.True(l.GetProperty("dropped").GetInt64() >= 0);
        });
        Assert.DoesNotContain("s3cret", error + lookout.StandardOutput, StringComparison.Ordinal);
        AssertNoFfmpegFor($"127.0.0.1:{server.Port}/");
    }

    [SkippableTheory]
    [InlineData("ffmpeg")]
    [InlineData("opencv")]
    public void Stream_SigintWhileRecording_ExitsZeroWithPlayableRecordingOfEveryFrame(string encoder)
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        Skip.If(LookoutProcess.HostAssembly is null, "src/Host is not built beside the tests");
        Skip.If(LookoutProcess.SigintSkipReason is not null, LookoutProcess.SigintSkipReason);
        using var server = RtspTestServer.Start(width: 160, height: 120, fps: 10);
        using var dir = new TempDir();

        // Ctrl+C reaches the whole process group, the capture's and the recorder's ffmpeg children included.
        using var lookout = LookoutProcess.Start(
            null, "stream", server.Url(null), "--device", "cpu", "--metrics-interval", "0", "-o", dir.File("rec.mp4"), "--encoder", encoder, "--detections", dir.File("rec.jsonl"));
        Assert.True(WaitForPartialLines(dir.Path, "rec", 10), $"no JSON lines written: {lookout.StandardError}");
        lookout.Interrupt();
        var code = lookout.WaitForExit(s_patience);

        Assert.True(code == 0, $"exit {code}: {lookout.StandardError}");
        Assert.True(
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).SequenceEqual(["rec.jsonl", "rec.mp4"]),
            $"files {string.Join(", ", Directory.GetFiles(dir.Path).Select(Path.GetFileName))}: {lookout.StandardError}");
        var lines = File.ReadAllLines(dir.File("rec.jsonl"));
        Assert.True(lines.Length >= 10, lookout.StandardError);
        using var capture = new OpenCvSharp.VideoCapture(dir.File("rec.mp4"));
        Assert.True(capture.IsOpened());
        Assert.Equal(lines.Length, (int)capture.FrameCount);
    }

    [SkippableFact]
    public async Task Stream_UnreachableUrlWithFailAfter_ExitsWithAClearErrorNamingTheMaskedUrl()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        var port = ClosedPort();

        var (code, error) = await CliRunner.RunRawAsync("stream", $"rtsp://viewer:s3cret@127.0.0.1:{port}/cam", "--fail-after", "2", "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains($"lookout: error: RTSP stream rtsp://viewer:***@127.0.0.1:{port}/cam cannot be reached: gave up after 2 attempt(s)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
        AssertNoFfmpegFor($"127.0.0.1:{port}/");
    }

    [Theory]
    [InlineData("--fail-after", "1.5")]
    [InlineData("--fail-after", "0")]
    [InlineData("--stall-timeout", "soon")]
    public async Task Stream_BadReconnectOption_ExitsWithErrorNamingIt(string option, string value)
    {
        var (code, error) = await CliRunner.RunRawAsync("stream", "rtsp://127.0.0.1:9/x", option, value);

        Assert.NotEqual(0, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_StallTimeoutOutOfRangeInConfiguration_ExitsWithErrorNamingTheKey()
    {
        Environment.SetEnvironmentVariable("LOOKOUT__Source__StallTimeout", "00:00:00");
        try
        {
            var (code, error) = await CliRunner.RunRawAsync("stream", "rtsp://127.0.0.1:9/x");

            Assert.Equal(2, code);
            Assert.Contains("Source:StallTimeout", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LOOKOUT__Source__StallTimeout", null);
        }
    }

    private static string[] Lines(LookoutProcess lookout) =>
        lookout.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool WaitForLines(LookoutProcess lookout, int count)
    {
        var deadline = DateTime.UtcNow + s_patience;
        while (Lines(lookout).Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }

    // Outputs are written under a hidden temporary name until complete: count the lines written so far there.
    private static bool WaitForPartialLines(string directory, string stem, int count)
    {
        var deadline = DateTime.UtcNow + s_patience;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var file in Directory.GetFiles(directory, $".{stem}*.jsonl"))
            {
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var reader = new StreamReader(stream);
                    if (reader.ReadToEnd().Count(c => c == '\n') >= count)
                    {
                        return true;
                    }
                }
                catch (IOException)
                {
                    // Renamed or not yet there: look again.
                }
            }

            Thread.Sleep(100);
        }

        return false;
    }

    private static int Occurrences(string text, string fragment)
    {
        var count = 0;
        for (var i = text.IndexOf(fragment, StringComparison.Ordinal); i >= 0; i = text.IndexOf(fragment, i + fragment.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void AssertNoFfmpegFor(string fragment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((ChildProcesses.WithCommandLine("ffmpeg", fragment).Count > 0 || ChildProcesses.WithCommandLine("ffprobe", fragment).Count > 0) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.Empty(ChildProcesses.WithCommandLine("ffmpeg", fragment));
        Assert.Empty(ChildProcesses.WithCommandLine("ffprobe", fragment));
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
