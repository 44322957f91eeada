using Lookout.Capture;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;

namespace Lookout.Host.Verbs;

/// <summary>
/// Which sinks a file run writes. With neither an output nor a detections path configured,
/// both go to <see cref="OutputOptions.Directory"/>: <c>&lt;name&gt;.annotated.mp4</c> (or an image
/// folder) and <c>&lt;name&gt;.jsonl</c>.
/// </summary>
public static class OutputPlan
{
    /// <exception cref="OutputException">An output path is not writable.</exception>
    public static List<IFrameSink> Create(string input, IFrameSource source, OutputOptions options)
    {
        var video = options.Video;
        var detections = options.Detections;
        var isVideo = source is VideoFileSource;
        if (string.IsNullOrWhiteSpace(video) && string.IsNullOrWhiteSpace(detections))
        {
            var stem = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input));
            video = isVideo
                ? Path.Combine(options.Directory, stem + ".annotated.mp4")
                : Directory.Exists(input) ? Path.Combine(options.Directory, stem + ".annotated") : Path.Combine(options.Directory, stem + ".annotated" + Path.GetExtension(input));
            detections = Path.Combine(options.Directory, stem + ".jsonl");
        }

        var sinks = new List<IFrameSink>(2);
        try
        {
            if (!string.IsNullOrWhiteSpace(video))
            {
                sinks.Add(isVideo
                    ? VideoSinks.Create(video, source.Info.Fps, options.Codec, options.Encoder)
                    : source.Info.FrameCount == 1 && ImageFileSink.IsImagePath(video) ? ImageFileSink.ToFile(video) : ImageFileSink.ToFolder(video));
            }

            if (!string.IsNullOrWhiteSpace(detections))
            {
                sinks.Add(new JsonLinesSink(detections));
            }
        }
        catch
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }

            throw;
        }

        return sinks;
    }

    public static string Describe(IEnumerable<IFrameSink> sinks) =>
        string.Join(", ", sinks.Select(s => s switch
        {
            IVideoSink v => v.Path,
            JsonLinesSink j => j.Path,
            ImageFileSink i => i.Target,
            _ => s.GetType().Name,
        }));
}
