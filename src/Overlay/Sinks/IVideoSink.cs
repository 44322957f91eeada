namespace Lookout.Overlay.Sinks;

/// <summary>A sink that writes one video file.</summary>
public interface IVideoSink : IFrameSink
{
    /// <summary>The file's final path.</summary>
    string Path { get; }

    long FramesWritten { get; }
}
