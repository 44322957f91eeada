using OpenCvSharp;
using OpenCvSharp.Internal;

namespace Lookout.Detection;

/// <summary>
/// Fits a BGR 8UC3 image to the model input and writes it as normalized NCHW floats into a caller-owned buffer.
/// </summary>
/// <remarks>
/// Reuses its resize Mat across frames and repaints the letterbox border only when the source size changes,
/// because the border of a same-size frame lands on the same pixels. The caller must therefore not write to
/// the buffer between calls. Not thread-safe. Does not take ownership of the input Mat.
/// </remarks>
internal sealed class Preprocessor : IDisposable
{
    private readonly ModelInputSpec _spec;
    private readonly int _channel0Source;
    private readonly int _channel1Source;
    private readonly int _channel2Source;
    private readonly float _a0, _a1, _a2;
    private readonly float _b0, _b1, _b2;
    private readonly Mat _resized = new();
    private InputTransform _transform;
    private bool _hasTransform;

    public Preprocessor(ModelInputSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;

        // OpenCV gives B,G,R bytes; tensor channel k reads source byte _channelKSource.
        bool rgb = spec.Color == ColorOrder.Rgb;
        _channel0Source = rgb ? 2 : 0;
        _channel1Source = 1;
        _channel2Source = rgb ? 0 : 2;

        // ((x·scale) − mean) / std folded into a·x + b per tensor channel.
        _a0 = spec.Scale / spec.Std[0];
        _a1 = spec.Scale / spec.Std[1];
        _a2 = spec.Scale / spec.Std[2];
        _b0 = -spec.Mean[0] / spec.Std[0];
        _b1 = -spec.Mean[1] / spec.Std[1];
        _b2 = -spec.Mean[2] / spec.Std[2];
    }

    public int TensorLength => 3 * _spec.Width * _spec.Height;

    /// <summary>Writes <paramref name="bgr"/> into <paramref name="tensor"/> (3×H×W floats) and returns the placement.</summary>
    public InputTransform Run(Mat bgr, Span<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        if (bgr.Empty() || bgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"Expected a non-empty BGR image of type CV_8UC3, got {(bgr.Empty() ? "an empty Mat" : bgr.Type().ToString())}.", nameof(bgr));
        }

        if (tensor.Length < TensorLength)
        {
            throw new ArgumentException($"The tensor must hold {TensorLength} floats.", nameof(tensor));
        }

        int width = bgr.Width;
        int height = bgr.Height;
        if (!_hasTransform || _transform.SourceWidth != width || _transform.SourceHeight != height)
        {
            _transform = InputTransform.Create(width, height, _spec);
            _hasTransform = true;
            PaintBorder(tensor);
        }

        Mat source = bgr;
        if (_transform.ResizedWidth != width || _transform.ResizedHeight != height)
        {
            Resize(bgr, _resized, new Size(_transform.ResizedWidth, _transform.ResizedHeight));
            source = _resized;
        }

        WritePixels(source, tensor);
        return _transform;
    }

    public void Dispose() => _resized.Dispose();

    // Cv2.Resize wraps its arguments in finalizable InputArray/OutputArray objects on every call (208 bytes and two
    // finalizer registrations per frame). The same native calls are made here on native array handles instead, so
    // the steady state allocates nothing. Bilinear, as Cv2.Resize with InterpolationFlags.Linear.
    private static void Resize(Mat source, Mat destination, Size size)
    {
        NativeMethods.HandleException(NativeMethods.core_InputArray_new_byMat(source.CvPtr, out IntPtr input));
        try
        {
            NativeMethods.HandleException(NativeMethods.core_OutputArray_new_byMat(destination.CvPtr, out IntPtr output));
            try
            {
                NativeMethods.HandleException(NativeMethods.imgproc_resize(input, output, size, 0, 0, (int)InterpolationFlags.Linear));
            }
            finally
            {
                NativeMethods.HandleException(NativeMethods.core_OutputArray_delete(output));
            }
        }
        finally
        {
            NativeMethods.HandleException(NativeMethods.core_InputArray_delete(input));
        }

        GC.KeepAlive(source);
        GC.KeepAlive(destination);
    }

    private void PaintBorder(Span<float> tensor)
    {
        int plane = _spec.Width * _spec.Height;
        float pad = _spec.Pad;
        tensor[..plane].Fill((pad * _a0) + _b0);
        tensor.Slice(plane, plane).Fill((pad * _a1) + _b1);
        tensor.Slice(2 * plane, plane).Fill((pad * _a2) + _b2);
    }

    private unsafe void WritePixels(Mat source, Span<float> tensor)
    {
        int inputWidth = _spec.Width;
        int plane = inputWidth * _spec.Height;
        int rows = _transform.ResizedHeight;
        int cols = _transform.ResizedWidth;
        int left = _transform.Left;
        int top = _transform.Top;
        long step = source.Step();
        byte* basePtr = (byte*)source.DataPointer;
        int s0 = _channel0Source, s1 = _channel1Source, s2 = _channel2Source;
        float a0 = _a0, a1 = _a1, a2 = _a2;
        float b0 = _b0, b1 = _b1, b2 = _b2;

        fixed (float* dst = tensor)
        {
            for (int y = 0; y < rows; y++)
            {
                byte* px = basePtr + (y * step);
                int offset = ((top + y) * inputWidth) + left;
                float* d0 = dst + offset;
                float* d1 = d0 + plane;
                float* d2 = d1 + plane;
                for (int x = 0; x < cols; x++, px += 3)
                {
                    d0[x] = (px[s0] * a0) + b0;
                    d1[x] = (px[s1] * a1) + b1;
                    d2[x] = (px[s2] * a2) + b2;
                }
            }
        }
    }
}
