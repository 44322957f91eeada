using System.Text.Json;
using OpenCvSharp;

namespace Lookout.Detection.Datasets;

/// <summary>
/// A video with per-frame ground truth as JSON lines in the <c>lookout annotate</c> schema (what
/// <c>lookout-train synth --video</c> writes): line k is frame k, <c>{"frame", "width", "height",
/// "detections": [{"label", "class_id", "box": [x1, y1, x2, y2], "difficult"?}]}</c>; scores are ignored.
/// Loaded as a <see cref="DetectionDataset"/> whose images are the video's frames, in order.
/// </summary>
public static class VideoTruthDataset
{
    /// <summary>The truth file a video has by default: its path with the extension <c>.jsonl</c>.</summary>
    public static string DefaultTruthPath(string videoPath) => Path.ChangeExtension(videoPath, ".jsonl");

    /// <summary>Reads the truth of <paramref name="videoPath"/> from <paramref name="truthPath"/> and checks that the video has a frame for each line.</summary>
    /// <exception cref="DatasetException">The video or the truth file is missing or unreadable, a line is malformed, or the frame counts differ.</exception>
    public static DetectionDataset Load(string videoPath, string truthPath)
    {
        if (!File.Exists(videoPath))
        {
            throw new DatasetException(videoPath, "no such video file.");
        }

        if (!File.Exists(truthPath))
        {
            throw new DatasetException(truthPath, $"no ground truth for the video {Path.GetFileName(videoPath)}: pass --truth FILE.jsonl (one JSON line per frame, the annotate schema).");
        }

        var names = new SortedDictionary<int, string>();
        var frames = new List<(int Width, int Height, AnnotatedObject[] Objects)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(truthPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            frames.Add(ParseLine(truthPath, lineNumber, line, frames.Count, names));
        }

        if (frames.Count == 0)
        {
            throw new DatasetException(truthPath, "no frames: the file has no JSON lines.");
        }

        var videoFrames = CountFrames(videoPath);
        if (videoFrames != frames.Count)
        {
            throw new DatasetException(truthPath, $"{frames.Count} frames of truth for {videoFrames} frames of video in {Path.GetFileName(videoPath)}; pass the truth written with this video.");
        }

        var classNames = new string[names.Count == 0 ? 0 : names.Keys.Max() + 1];
        for (var i = 0; i < classNames.Length; i++)
        {
            classNames[i] = names.TryGetValue(i, out var name) ? name : $"class{i}";
        }

        var images = frames.Select((f, i) => new AnnotatedImage(
            i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            videoPath,
            f.Width,
            f.Height,
            f.Objects)).ToArray();
        return new DetectionDataset(videoPath, null, classNames, images, []) { VideoPath = videoPath };
    }

    private static (int Width, int Height, AnnotatedObject[] Objects) ParseLine(string path, int lineNumber, string line, int expectedFrame, SortedDictionary<int, string> names)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var frame = root.GetProperty("frame").GetInt32();
            if (frame != expectedFrame)
            {
                throw new DatasetException(path, $"line {lineNumber}: frame {frame} where frame {expectedFrame} was expected (one line per frame, in order from 0).");
            }

            var objects = new List<AnnotatedObject>();
            foreach (var d in root.GetProperty("detections").EnumerateArray())
            {
                var label = d.GetProperty("label").GetString() ?? throw new DatasetException(path, $"line {lineNumber}: a detection has a null label.");
                var classId = d.GetProperty("class_id").GetInt32();
                if (classId < 0)
                {
                    throw new DatasetException(path, $"line {lineNumber}: class_id {classId} is negative.");
                }

                if (names.TryGetValue(classId, out var known) && known != label)
                {
                    throw new DatasetException(path, $"line {lineNumber}: class_id {classId} is '{label}' here but '{known}' earlier.");
                }

                names[classId] = label;
                var box = d.GetProperty("box");
                if (box.GetArrayLength() != 4)
                {
                    throw new DatasetException(path, $"line {lineNumber}: a box needs 4 numbers [x1, y1, x2, y2].");
                }

                var difficult = d.TryGetProperty("difficult", out var flag) && flag.GetBoolean();
                objects.Add(new AnnotatedObject(classId, label, new BoxF(box[0].GetSingle(), box[1].GetSingle(), box[2].GetSingle(), box[3].GetSingle()), difficult));
            }

            return (root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), [.. objects]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DatasetException(path, $"line {lineNumber}: not a frame of the annotate schema ({e.Message}).", e);
        }
    }

    private static int CountFrames(string videoPath)
    {
        using var capture = new VideoCapture(videoPath);
        if (!capture.IsOpened())
        {
            throw new DatasetException(videoPath, "not a video this build can decode (OpenCV could not open it). Check the file, or convert it to MPEG-4 Part 2 (.mp4) or MJPEG (.avi).");
        }

        // Grab decodes each frame without the conversion to BGR, which a count does not need.
        var count = 0;
        while (capture.Grab())
        {
            count++;
        }

        return count > 0
            ? count
            : throw new DatasetException(videoPath, "no frames could be decoded. Check the file, or convert it to MPEG-4 Part 2 (.mp4) or MJPEG (.avi).");
    }
}
