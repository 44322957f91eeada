using System.Diagnostics;
using OpenCvSharp;

namespace Lookout.Capture;

/// <summary>
/// One captured image with its position in the source. A frame owns its <see cref="Image"/>:
/// whoever holds the frame disposes it exactly once, which returns the buffer to its pool.
/// </summary>
/// <remarks>
/// <see cref="LiveCount"/> counts frames created and not yet disposed in this process, so tests
/// can assert that every operator passed ownership on or disposed what it dropped.
/// </remarks>
public sealed class Frame : IDisposable
{
    private static long s_live;
    private readonly FramePool? _pool;
    private Mat? _image;

    public Frame(Mat image, long index, TimeSpan timestamp, string source, FramePool? pool = null, double decodeMs = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        _image = image;
        _pool = pool;
        Index = index;
        Timestamp = timestamp;
        Source = source;
        DecodeMs = decodeMs;
        CapturedAt = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Frames alive (created and not disposed) in this process.</summary>
    public static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>The BGR image. Does not transfer ownership: the frame still disposes it.</summary>
    public Mat Image => _image ?? throw new ObjectDisposedException(nameof(Frame));

    /// <summary>Zero-based position in the source (file order for image folders).</summary>
    public long Index { get; }

    /// <summary>Presentation time within the source.</summary>
    public TimeSpan Timestamp { get; }

    /// <summary>Where the frame came from: a file name, or a masked URL.</summary>
    public string Source { get; }

    /// <summary>Time spent reading and decoding this frame.</summary>
    public double DecodeMs { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the frame left the source.</summary>
    public long CapturedAt { get; }

    public int Width => Image.Cols;

    public int Height => Image.Rows;

    public void Dispose()
    {
        var image = Interlocked.Exchange(ref _image, null);
        if (image is null)
        {
            return;
        }

        Interlocked.Decrement(ref s_live);
        if (_pool is null)
        {
            image.Dispose();
        }
        else
        {
            _pool.Return(image);
        }
    }
}
