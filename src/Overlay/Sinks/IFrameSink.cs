namespace Lookout.Overlay.Sinks;

/// <summary>Where annotated frames go: a video file, image files, JSON lines, a window.</summary>
/// <remarks>
/// <see cref="Write"/> does not take ownership of the frame. <see cref="Complete"/> finalizes the
/// output under its final name; disposing a sink that was not completed abandons its output and
/// leaves nothing under the final name.
/// </remarks>
public interface IFrameSink : IDisposable
{
    void Write(DetectedFrame frame);

    void Complete();
}
