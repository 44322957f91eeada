using OpenCvSharp;

namespace Lookout.Tests.Support;

/// <summary>Small videos made on the fly: a moving filled square on grey, frame number encoded in pixel (0,0).</summary>
public static class TestVideos
{
    public static string Write(string path, int frames, int width = 160, int height = 120, double fps = 10, string fourcc = "MJPG")
    {
        using var writer = new VideoWriter(path, FourCC.FromString(fourcc), fps, new Size(width, height));
        if (!writer.IsOpened())
        {
            throw new InvalidOperationException($"cannot write test video {path}");
        }

        using var mat = new Mat(height, width, MatType.CV_8UC3);
        for (var i = 0; i < frames; i++)
        {
            mat.SetTo(new Scalar(90, 90, 90));
            var x = (i * 7) % (width - 30);
            Cv2.Rectangle(mat, new Rect(x, 40, 30, 30), new Scalar(0, 0, 255), -1);
            writer.Write(mat);
        }

        return path;
    }
}
