using OpenCvSharp;

namespace Lookout.Overlay;

/// <summary>A stable, distinguishable colour per class id.</summary>
public static class Palette
{
    // Ultralytics-style hues in BGR, chosen to stay readable on both dark and light scenes.
    private static readonly Scalar[] s_colors =
    [
        new(56, 56, 255), new(151, 157, 255), new(31, 112, 255), new(29, 178, 255), new(49, 210, 207),
        new(10, 249, 72), new(23, 204, 146), new(134, 219, 61), new(52, 147, 26), new(187, 212, 0),
        new(168, 153, 44), new(255, 194, 0), new(147, 69, 52), new(255, 115, 100), new(236, 24, 0),
        new(255, 56, 132), new(133, 0, 82), new(255, 56, 203), new(200, 149, 255), new(199, 55, 255),
    ];

    public static Scalar ForClass(int classId) => s_colors[(classId % s_colors.Length + s_colors.Length) % s_colors.Length];
}
