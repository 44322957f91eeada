using OpenCvSharp;

namespace Lookout.Detection.Tests;

public sealed class PreprocessorTests
{
    [Fact]
    public void Run_RgbWithMeanAndStd_WritesNormalizedPlanesInRgbOrder()
    {
        var spec = new ModelInputSpec
        {
            Width = 2,
            Height = 1,
            Color = ColorOrder.Rgb,
            Scale = 1f,
            Mean = [127f, 127f, 127f],
            Std = [128f, 128f, 128f],
            Resize = ResizeMode.Stretch,
        };
        using var preprocessor = new Preprocessor(spec);
        using var image = new Mat(1, 2, MatType.CV_8UC3);
        image.Set(0, 0, new Vec3b(10, 20, 255)); // B, G, R
        image.Set(0, 1, new Vec3b(0, 127, 255));
        var tensor = new float[6];

        preprocessor.Run(image, tensor);

        Assert.Equal(
            [
                (255 - 127) / 128f, (255 - 127) / 128f, // R plane
                (20 - 127) / 128f, 0f, // G plane
                (10 - 127) / 128f, -127 / 128f, // B plane
            ],
            tensor);
    }

    [Fact]
    public void Run_BgrScaled_KeepsBgrOrder()
    {
        var spec = new ModelInputSpec { Width = 1, Height = 1, Color = ColorOrder.Bgr, Scale = 1f / 255f, Resize = ResizeMode.Stretch };
        using var preprocessor = new Preprocessor(spec);
        using var image = new Mat(1, 1, MatType.CV_8UC3, new Scalar(51, 102, 255));
        var tensor = new float[3];

        preprocessor.Run(image, tensor);

        Assert.Equal(0.2f, tensor[0], 6);
        Assert.Equal(0.4f, tensor[1], 6);
        Assert.Equal(1.0f, tensor[2], 6);
    }

    [Fact]
    public void Run_CenterLetterbox_PaintsBorderWithPadValue()
    {
        var spec = new ModelInputSpec { Width = 8, Height = 8, Color = ColorOrder.Bgr, Scale = 1f, Pad = 114 };
        using var preprocessor = new Preprocessor(spec);
        using var image = new Mat(4, 8, MatType.CV_8UC3, new Scalar(200, 200, 200));
        var tensor = new float[3 * 64];

        InputTransform t = preprocessor.Run(image, tensor);

        Assert.Equal(2, t.Top);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 8; y++)
            {
                float expected = y is >= 2 and < 6 ? 200f : 114f;
                Assert.Equal(expected, tensor[(c * 64) + (y * 8)]);
            }
        }
    }

    [Fact]
    public void Run_SizeChangesBetweenFrames_RepaintsBorderForNewPlacement()
    {
        var spec = new ModelInputSpec { Width = 8, Height = 8, Color = ColorOrder.Bgr, Scale = 1f, Pad = 0, Align = LetterboxAlign.TopLeft };
        using var preprocessor = new Preprocessor(spec);
        using var square = new Mat(8, 8, MatType.CV_8UC3, new Scalar(50, 50, 50));
        using var wide = new Mat(4, 8, MatType.CV_8UC3, new Scalar(50, 50, 50));
        var tensor = new float[3 * 64];

        preprocessor.Run(square, tensor);
        InputTransform t = preprocessor.Run(wide, tensor);

        Assert.Equal(4, t.ResizedHeight);
        Assert.Equal(50f, tensor[(3 * 8) + 7]);
        Assert.Equal(0f, tensor[(4 * 8) + 0]);
        Assert.Equal(0f, tensor[(7 * 8) + 7]);
    }

    [Fact]
    public void Run_LargerImage_IsResizedIntoInput()
    {
        var spec = new ModelInputSpec { Width = 4, Height = 4, Color = ColorOrder.Bgr, Scale = 1f, Resize = ResizeMode.Stretch };
        using var preprocessor = new Preprocessor(spec);
        using var image = new Mat(40, 20, MatType.CV_8UC3, new Scalar(7, 8, 9));
        var tensor = new float[48];

        InputTransform t = preprocessor.Run(image, tensor);

        Assert.Equal(0.2f, t.ScaleX);
        Assert.Equal(0.1f, t.ScaleY);
        Assert.All(tensor[..16], v => Assert.Equal(7f, v));
        Assert.All(tensor[32..], v => Assert.Equal(9f, v));
    }

    [Fact]
    public void Run_ResizedImage_MatchesCvResizeBilinear()
    {
        var spec = new ModelInputSpec { Width = 32, Height = 32, Color = ColorOrder.Bgr, Scale = 1f, Resize = ResizeMode.Stretch };
        using var preprocessor = new Preprocessor(spec);
        using Mat image = NoiseImage(57, 41);
        using var expected = new Mat();
        Cv2.Resize(image, expected, new Size(32, 32), 0, 0, InterpolationFlags.Linear);
        var tensor = new float[3 * 32 * 32];

        preprocessor.Run(image, tensor);

        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                Vec3b pixel = expected.At<Vec3b>(y, x);
                Assert.Equal(pixel.Item0, tensor[(y * 32) + x]);
                Assert.Equal(pixel.Item2, tensor[(2 * 32 * 32) + (y * 32) + x]);
            }
        }
    }

    [Fact]
    public void Run_SteadyState_AllocatesNothing()
    {
        var spec = new ModelInputSpec { Width = 64, Height = 64, Resize = ResizeMode.Letterbox };
        using var preprocessor = new Preprocessor(spec);
        using Mat image = NoiseImage(96, 72);
        var tensor = new float[3 * 64 * 64];
        preprocessor.Run(image, tensor);
        preprocessor.Run(image, tensor);

        long before = GC.GetAllocatedBytesForCurrentThread();
        preprocessor.Run(image, tensor);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static Mat NoiseImage(int width, int height)
    {
        var bytes = new byte[width * height * 3];
        new Random(width * height).NextBytes(bytes);
        var image = new Mat(height, width, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, image.Data, bytes.Length);
        return image;
    }

    [Fact]
    public void Run_GrayImage_ThrowsArgumentException()
    {
        using var preprocessor = new Preprocessor(new ModelInputSpec { Width = 4, Height = 4 });
        using var gray = new Mat(4, 4, MatType.CV_8UC1);

        Assert.Throws<ArgumentException>(() => preprocessor.Run(gray, new float[48]));
    }
}
