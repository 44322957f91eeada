using System.Text.Json;

namespace Lookout.Overlay.Sinks;

/// <summary>
/// One JSON object per frame: <c>{"frame","timestamp_ms","source","width","height","detections":[{"label","class_id","score","box"}]}</c>,
/// plus <c>"dropped"</c> and <c>"latency_ms"</c> when the pipeline is live.
/// </summary>
/// <remarks>
/// A file is written under a temporary name and renamed on <see cref="Complete"/>; standard output
/// (path <c>-</c>) is flushed per line. The JSON writer and its buffer are reused across frames.
/// </remarks>
public sealed class JsonLinesSink : IFrameSink
{
    private static readonly byte[] s_newLine = "\n"u8.ToArray();
    private readonly PartialFile? _file;
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;
    private readonly bool _live;
    private bool _done;

    /// <param name="path">A file path, or <c>-</c> for standard output.</param>
    /// <param name="live">Adds the live-pipeline fields <c>dropped</c> and <c>latency_ms</c>.</param>
    /// <exception cref="OutputException">The path is not writable.</exception>
    public JsonLinesSink(string path, bool live = false)
    {
        _live = live;
        Path = path;
        if (path == "-")
        {
            _stream = Console.OpenStandardOutput();
        }
        else
        {
            _file = PartialFile.Create(path);
            _stream = new FileStream(_file.TempPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }

        _writer = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The final path, or <c>-</c> for standard output.</summary>
    public string Path { get; }

    public long FramesWritten { get; private set; }

    public void Write(DetectedFrame frame)
    {
        var w = _writer;
        var f = frame.Frame;
        w.WriteStartObject();
        w.WriteNumber("frame"u8, f.Index);
        w.WriteNumber("timestamp_ms"u8, Math.Round(f.Timestamp.TotalMilliseconds, 3));
        w.WriteString("source"u8, f.Source);
        w.WriteNumber("width"u8, f.Width);
        w.WriteNumber("height"u8, f.Height);
        if (_live)
        {
            w.WriteNumber("dropped"u8, frame.Dropped);
            w.WriteNumber("latency_ms"u8, Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(f.CapturedAt).TotalMilliseconds, 2));
        }

        w.WriteStartArray("detections"u8);
        foreach (ref readonly var d in frame.Detections.AsSpan())
        {
            w.WriteStartObject();
            w.WriteString("label"u8, d.Label);
            w.WriteNumber("class_id"u8, d.ClassId);
            w.WriteNumber("score"u8, Math.Round(d.Score, 4));
            w.WriteStartArray("box"u8);
            w.WriteNumberValue(Math.Round(d.Box.X1, 2));
            w.WriteNumberValue(Math.Round(d.Box.Y1, 2));
            w.WriteNumberValue(Math.Round(d.Box.X2, 2));
            w.WriteNumberValue(Math.Round(d.Box.Y2, 2));
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _stream.Write(s_newLine);
        if (_file is null)
        {
            _stream.Flush();
        }

        FramesWritten++;
    }

    public void Complete()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _writer.Dispose();
        _stream.Flush();
        if (_file is not null)
        {
            _stream.Dispose();
            _file.Commit();
        }
    }

    public void Dispose()
    {
        if (!_done)
        {
            _writer.Dispose();
        }

        if (_file is not null)
        {
            _stream.Dispose();
            if (!_done)
            {
                _done = true;
                _file.Abandon();
            }
        }
    }
}
