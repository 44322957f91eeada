using System.Diagnostics;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace Lookout.Detection;

/// <summary>
/// Runs the same ONNX model as an <see cref="OnnxDetector"/> on OpenCV's DNN module (CPU), with the same
/// preprocessing, decoder, NMS and thresholds, so the two engines can be compared on speed and on what they find.
/// </summary>
/// <remarks>
/// A peer engine for comparisons (<c>lookout bench</c>), not a production path: the input tensor is reused, but
/// OpenCV DNN allocates its output Mats per call. Not thread-safe. <see cref="Detect"/> never takes ownership of the image.
/// </remarks>
public sealed class OpenCvDnnDetector : IDisposable
{
    private readonly Net _net;
    private readonly ModelInputSpec _fit;
    private readonly int _width;
    private readonly int _height;
    private (int Width, int Height) _checkedSource;
    private readonly Preprocessor _preprocessor;
    private readonly Postprocessor _postprocessor;
    private readonly float[] _input;
    private readonly Mat _blob;
    private readonly string[] _outputNames;
    private readonly int[] _outputLengths;
    private readonly float[][] _outputs;
    private bool _disposed;

    private OpenCvDnnDetector(Net net, OnnxDetector twin, OnnxDetector.SizedRun run)
    {
        _net = net;
        _fit = twin.Card.Input;
        (_width, _height) = (run.Width, run.Height);
        _preprocessor = new Preprocessor(run.Card.Input);
        _postprocessor = twin.CreatePostprocessor(run);
        _outputNames = [.. run.DecodedOutputNames];
        _outputLengths = [.. run.DecodedOutputLengths];
        _outputs = Array.ConvertAll(_outputLengths, n => new float[n]);

        // Pinned, so the blob Mat can wrap it without a copy for the detector's lifetime.
        _input = GC.AllocateArray<float>(_preprocessor.TensorLength, pinned: true);
        unsafe
        {
            fixed (float* data = _input)
            {
                _blob = Mat.FromPixelData([1, 3, run.Height, run.Width], MatType.CV_32FC1, (IntPtr)data);
            }
        }

        ModelPath = twin.ModelPath;
    }

    public string ModelPath { get; }

    /// <summary>
    /// Loads <paramref name="twin"/>'s model with <c>CvDnn.ReadNetFromOnnx</c> on OpenCV's own CPU backend and runs it
    /// once, so the first call is not slow and an unsupported model fails here rather than mid-run. It runs at the input
    /// size <paramref name="twin"/> feeds sources of <paramref name="sourceSize"/> at (default: the card's), and
    /// <see cref="Detect"/> is meant for sources of that size.
    /// </summary>
    /// <exception cref="ModelException">OpenCV DNN cannot load or run the model, or its outputs differ in size from ONNX Runtime's.</exception>
    public static OpenCvDnnDetector Open(OnnxDetector twin, Size? sourceSize = null)
    {
        ArgumentNullException.ThrowIfNull(twin);
        OnnxDetector.SizedRun run = twin.RunFor(sourceSize?.Width ?? twin.InputWidth, sourceSize?.Height ?? twin.InputHeight);
        Net net;
        try
        {
            // A fitted input is dynamic in the graph; OpenCV's importer needs it fixed to fold the shapes that follow from it.
            net = (twin.Card.Input.Fit
                    ? CvDnn.ReadNetFromOnnx(OnnxInputShape.Fix(File.ReadAllBytes(twin.ModelPath), twin.InputName, run.Height, run.Width))
                    : CvDnn.ReadNetFromOnnx(twin.ModelPath))
                ?? throw new ModelException($"OpenCV DNN returned no network for '{twin.ModelPath}'.");
        }
        catch (Exception e) when (e is OpenCVException or FormatException or IOException)
        {
            throw new ModelException($"OpenCV DNN cannot load '{twin.ModelPath}': {FirstLine(e.Message)}", e);
        }

        if (net.Empty())
        {
            net.Dispose();
            throw new ModelException($"OpenCV DNN loaded an empty network from '{twin.ModelPath}'.");
        }

        net.SetPreferableBackend(Backend.OPENCV);
        net.SetPreferableTarget(Target.CPU);
        var detector = new OpenCvDnnDetector(net, twin, run);
        try
        {
            detector.Forward();
        }
        catch
        {
            detector.Dispose();
            throw;
        }

        return detector;
    }

    /// <summary>
    /// Detects objects in a BGR 8UC3 image exactly as <see cref="OnnxDetector.Detect(Mat, out DetectionTimings)"/> does,
    /// with OpenCV DNN as the engine. Returns a fresh array the caller may keep.
    /// </summary>
    /// <exception cref="ModelException">OpenCV DNN fails to run the model.</exception>
    public Detection[] Detect(Mat bgrImage, out DetectionTimings timings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bgrImage);
        if ((bgrImage.Width, bgrImage.Height) != _checkedSource)
        {
            // Once per source size, not per frame: the fitted size depends on the source's size alone.
            if (_fit.FitTo(bgrImage.Width, bgrImage.Height) is var size && size != (_width, _height))
            {
                throw new ArgumentException(
                    $"This OpenCV DNN network runs at {_width}x{_height}, but a {bgrImage.Width}x{bgrImage.Height} image is fed at {size.Width}x{size.Height}; open one for that image size.",
                    nameof(bgrImage));
            }

            _checkedSource = (bgrImage.Width, bgrImage.Height);
        }

        long start = Stopwatch.GetTimestamp();
        InputTransform transform = _preprocessor.Run(bgrImage, _input);
        long preprocessed = Stopwatch.GetTimestamp();
        Forward();
        long inferred = Stopwatch.GetTimestamp();
        Detection[] result = _postprocessor.Run(_outputs[0], _outputs.Length > 1 ? _outputs[1] : [], transform);
        long end = Stopwatch.GetTimestamp();
        timings = new DetectionTimings(
            Stopwatch.GetElapsedTime(start, preprocessed).TotalMilliseconds,
            Stopwatch.GetElapsedTime(preprocessed, inferred).TotalMilliseconds,
            Stopwatch.GetElapsedTime(inferred, end).TotalMilliseconds);
        return result;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _blob.Dispose();
        _net.Dispose();
        _preprocessor.Dispose();
    }

    private void Forward()
    {
        var results = new Mat[_outputNames.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = new Mat();
        }

        try
        {
            _net.SetInput(_blob);
            _net.Forward(results, _outputNames);
            for (int i = 0; i < results.Length; i++)
            {
                CopyOut(results[i], i);
            }
        }
        catch (OpenCVException e)
        {
            throw new ModelException($"OpenCV DNN cannot run '{ModelPath}': {FirstLine(e.Message)}", e);
        }
        finally
        {
            foreach (Mat m in results)
            {
                m.Dispose();
            }
        }
    }

    private unsafe void CopyOut(Mat result, int index)
    {
        long total = result.Total() * result.Channels();
        if (result.Depth() != MatType.CV_32F || total != _outputLengths[index] || !result.IsContinuous())
        {
            throw new ModelException(
                $"OpenCV DNN output '{_outputNames[index]}' of '{ModelPath}' has {total} values of type {result.Type()}; " +
                $"ONNX Runtime gives {_outputLengths[index]} float values.");
        }

        new ReadOnlySpan<float>((void*)result.DataPointer, (int)total).CopyTo(_outputs[index]);
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}
