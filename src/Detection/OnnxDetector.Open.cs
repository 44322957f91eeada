using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lookout.Detection;

public sealed partial class OnnxDetector
{
    /// <summary>
    /// Loads the model and its card (<see cref="DetectorOptions.CardPath"/>, else <c>&lt;model&gt;.json</c>
    /// beside the model, else inferred from Ultralytics metadata), checks that they agree, picks the execution
    /// provider and runs the network once so the first frame is not slow.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="ModelException">
    /// The model or card is missing or invalid, the layout cannot be determined, the card disagrees with the
    /// model's shapes, or <see cref="ExecutionDevice.Cuda"/> was requested and CUDA cannot be loaded.
    /// </exception>
    public static OnnxDetector Open(DetectorOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);

        string modelPath = Path.GetFullPath(options.ModelPath!);
        if (!File.Exists(modelPath))
        {
            throw new ModelException($"Model file '{modelPath}' does not exist. Set Detector:ModelPath to an existing .onnx file.");
        }

        // The card is cheap to read: fail on it before paying for a session.
        ModelCard? card = LoadCard(options, modelPath);

        // Weights listed as graph inputs would stay overridable inputs to ONNX Runtime, unfolded and unfused
        // (UltraFace ran 3-5x slower that way); such a model is loaded from a copy without those inputs.
        byte[]? constantWeights = ReadWithConstantWeights(modelPath);
        if (constantWeights is not null && logger is not null)
        {
            DetectorLog.WeightsAsInputs(logger, Path.GetFileName(modelPath));
        }

        InferenceSession session = CreateSession(modelPath, constantWeights, options, logger, out string provider);
        var detector = new OnnxDetector(session, modelPath, provider);
        try
        {
            detector.Initialize(card, options, constantWeights);
        }
        catch
        {
            detector.Dispose();
            throw;
        }

        if (logger is not null)
        {
            DetectorLog.Opened(
                logger,
                Path.GetFileName(modelPath),
                ModelCard.LayoutName(detector.Layout),
                detector.Card.Input.Fit
                    ? $"fitted to each source's shape within {detector.InputWidth}x{detector.InputHeight} pixels"
                    : $"{detector.InputWidth}x{detector.InputHeight}",
                detector.Labels.Count,
                detector.Card.SourcePath ?? "inferred from metadata",
                provider,
                detector.ScoreThreshold,
                detector.IouThreshold);
        }

        return detector;
    }

    private static void ValidateOptions(DetectorOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            throw new ArgumentException("Detector:ModelPath is not set. Point it at an .onnx model file.", nameof(options));
        }

        if (options.ScoreThreshold is { } score && !(score >= 0f && score <= 1f))
        {
            throw new ArgumentException($"Detector:ScoreThreshold must be from 0 to 1 (got {score}).", nameof(options));
        }

        if (options.IouThreshold is { } iou && !(iou >= 0f && iou <= 1f))
        {
            throw new ArgumentException($"Detector:IouThreshold must be from 0 to 1 (got {iou}).", nameof(options));
        }

        if (options.MaxDetections < 1)
        {
            throw new ArgumentException($"Detector:MaxDetections must be at least 1 (got {options.MaxDetections}).", nameof(options));
        }

        if (options.IntraOpThreads < 0)
        {
            throw new ArgumentException($"Detector:IntraOpThreads must be 0 (ONNX Runtime default) or more (got {options.IntraOpThreads}).", nameof(options));
        }

        if (options.DeviceId < 0)
        {
            throw new ArgumentException($"Detector:DeviceId must be 0 or more (got {options.DeviceId}).", nameof(options));
        }
    }

    private static ModelCard? LoadCard(DetectorOptions options, string modelPath)
    {
        string modelDirectory = Path.GetDirectoryName(modelPath)!;
        if (!string.IsNullOrWhiteSpace(options.CardPath))
        {
            return ModelCard.Load(Path.GetFullPath(options.CardPath), modelDirectory);
        }

        string beside = Path.ChangeExtension(modelPath, ".json");
        return File.Exists(beside) ? ModelCard.Load(beside, modelDirectory) : null;
    }

    private static SessionOptions NewSessionOptions(DetectorOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        }

        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.Spinning ? "1" : "0");
        return sessionOptions;
    }

    private static byte[]? ReadWithConstantWeights(string modelPath)
    {
        try
        {
            return OnnxInitializerInputs.Strip(File.ReadAllBytes(modelPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException($"Model file '{modelPath}' cannot be read ({e.Message}). Check its permissions, or point Detector:ModelPath at another file.", e);
        }
    }

    private static InferenceSession NewSession(string modelPath, byte[]? model, SessionOptions options) =>
        model is null ? new InferenceSession(modelPath, options) : new InferenceSession(model, options);

    private static InferenceSession CreateSession(string modelPath, byte[]? model, DetectorOptions options, ILogger? logger, out string provider)
    {
        if (options.Device == ExecutionDevice.Cpu)
        {
            provider = "CPU";
            return CreateCpuSession(modelPath, model, options);
        }

        // GetAvailableProviders() lists CUDA even where its libraries are missing, so the only reliable test is
        // to append the provider and create the session.
        OnnxRuntimeException? cudaError = null;
        using (SessionOptions cudaOptions = NewSessionOptions(options))
        {
            // ONNX Runtime would print the failed library load to stderr on its own; the outcome is reported once
            // through ILogger instead, so its environment logger is quietened for this call only.
            OrtEnv environment = OrtEnv.Instance();
            OrtLoggingLevel previousLevel = environment.EnvLogLevel;
            environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(options.DeviceId);
            }
            catch (OnnxRuntimeException ex)
            {
                cudaError = ex;
            }
            finally
            {
                environment.EnvLogLevel = previousLevel;
            }

            if (cudaError is null)
            {
                try
                {
                    provider = $"CUDA:{options.DeviceId}";
                    return NewSession(modelPath, model, cudaOptions);
                }
                catch (OnnxRuntimeException ex)
                {
                    // Either the model is bad or CUDA failed at session start (no device, driver mismatch);
                    // the CPU attempt below tells which.
                    cudaError = ex;
                }
            }
        }

        if (options.Device == ExecutionDevice.Cuda)
        {
            CreateCpuSession(modelPath, model, options).Dispose();
            throw new ModelException(
                $"Detector:Device is Cuda but CUDA cannot run '{modelPath}' on device {options.DeviceId}: {FirstLine(cudaError.Message)}. " +
                "Install CUDA 13 and cuDNN 9 (or fix the device id), or set Detector:Device to Auto or Cpu.",
                cudaError);
        }

        InferenceSession session = CreateCpuSession(modelPath, model, options);
        provider = "CPU";
        if (logger is not null)
        {
            DetectorLog.CudaFallback(logger, Path.GetFileName(modelPath), FirstLine(cudaError.Message));
        }

        return session;
    }

    private static InferenceSession CreateCpuSession(string modelPath, byte[]? model, DetectorOptions options)
    {
        using SessionOptions cpuOptions = NewSessionOptions(options);
        try
        {
            return NewSession(modelPath, model, cpuOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelException(
                $"'{modelPath}' is not a valid ONNX model ({FirstLine(ex.Message)}). Re-export or re-download it, or point Detector:ModelPath at another file.",
                ex);
        }
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim();
    }

    private void Initialize(ModelCard? card, DetectorOptions options, byte[]? constantWeights)
    {
        string modelText = $"model '{ModelPath}'";
        card ??= InferCard();
        string cardText = Capitalize(CardSource(card));
        if (options.Fit is { } fit && fit != card.Input.Fit)
        {
            card = card with { Input = card.Input with { Fit = fit } };
        }

        Card = card;
        ScoreThreshold = options.ScoreThreshold ?? card.ScoreThreshold;
        IouThreshold = options.IouThreshold ?? card.IouThreshold;

        string inputName = CheckInput(card, cardText, modelText);
        _inputName = inputName;
        if (!card.Input.Fit)
        {
            _current = CreateRun(_session, ownsSession: false, card, inputName, cardText, modelText, options);
            _runs.Add(_current);
            return;
        }

        // Each input size gets a session with the input's named dimensions fixed, so ONNX Runtime folds what depends on
        // them (an exported grid computed from the feature maps' shapes) as it does in a fixed-size model. Unnamed or
        // shared names cannot be fixed one by one: those sizes share the dynamic session.
        string[] names = InputMetadata().SymbolicDimensions;
        bool named = names.Length == 4 && !string.IsNullOrEmpty(names[2]) && !string.IsNullOrEmpty(names[3]) && names[2] != names[3];
        _createRun = (width, height) =>
        {
            ModelCard sized = card.WithInputSize(width, height);
            InferenceSession session = named ? CreateSizedSession(constantWeights, options, names[2], height, names[3], width) : _session;
            try
            {
                return CreateRun(session, named, sized, inputName, cardText, modelText, options);
            }
            catch
            {
                if (named)
                {
                    session.Dispose();
                }

                throw;
            }
        };

        // The nominal size is made now, so a model that cannot run fails here rather than on the first frame.
        _current = _createRun(card.Input.Width, card.Input.Height);
        _runs.Add(_current);
        if (named)
        {
            // Every size has its own session from here on; the dynamic one would only hold a second copy of the model.
            _session.Dispose();
            _sessionReleased = true;
        }
    }

    private SizedRun CreateRun(InferenceSession session, bool ownsSession, ModelCard card, string inputName, string cardText, string modelText, DetectorOptions options)
    {
        var run = new SizedRun(session, ownsSession, card);
        try
        {
            OutputPlan plan = WarmUpAndPlan(session, card, inputName, run.InputValue, cardText, modelText);
            run.Bind(inputName, plan, new Postprocessor(plan, card, _scoreThreshold, IouThreshold, options.AgnosticNms, options.MaxDetections, options.MultiLabel));
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    private InferenceSession CreateSizedSession(byte[]? constantWeights, DetectorOptions options, string heightName, int height, string widthName, int width)
    {
        using SessionOptions sessionOptions = NewSessionOptions(options);
        sessionOptions.AddFreeDimensionOverrideByName(heightName, height);
        sessionOptions.AddFreeDimensionOverrideByName(widthName, width);
        try
        {
            if (ExecutionProvider != "CPU")
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.DeviceId);
            }

            return NewSession(ModelPath, constantWeights, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelException(
                $"Model '{ModelPath}' cannot be loaded for a {width}x{height} input on {ExecutionProvider} ({FirstLine(ex.Message)}). " +
                "Remove input.fit from its card to run it at its card's size only.",
                ex);
        }
    }

    private ModelCard InferCard()
    {
        string cardPath = Path.ChangeExtension(ModelPath, ".json");
        IReadOnlyDictionary<string, string> metadata = _session.ModelMetadata.CustomMetadataMap;
        if (!metadata.TryGetValue(UltralyticsMetadata.NamesKey, out string? namesText))
        {
            throw new ModelException(
                $"Model '{ModelPath}' has no model card and no Ultralytics metadata to infer its layout from. " +
                $"Write a card to '{cardPath}' (or set Detector:CardPath) with at least: \"layout\" (ssd, yolov8, yolov5 or yolox), " +
                "\"input\": {\"width\", \"height\", \"color\" (rgb or bgr), \"scale\"} and \"labels\" (or \"labels_file\"); " +
                "optionally input.mean, input.std, input.resize (letterbox or stretch), input.align (center or topleft), input.pad, " +
                "score_threshold, iou_threshold and strides (yolox).");
        }

        if (!UltralyticsMetadata.TryParseNames(namesText, out string[]? labels))
        {
            throw new ModelException(
                $"Model '{ModelPath}' has Ultralytics metadata 'names' that cannot be parsed as {{0: 'name', ...}}. Write a card to '{cardPath}'.");
        }

        if (metadata.TryGetValue(UltralyticsMetadata.TaskKey, out string? task) && !string.Equals(task, "detect", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelException(
                $"Model '{ModelPath}' is an Ultralytics '{task}' model; only 'detect' models are supported. Export a detection model.");
        }

        int[] dims = InputMetadata().Dimensions;
        int width;
        int height;
        if (metadata.TryGetValue(UltralyticsMetadata.ImageSizeKey, out string? sizeText)
            && UltralyticsMetadata.TryParseImageSize(sizeText, out int h, out int w))
        {
            (width, height) = (w, h);
        }
        else if (dims.Length == 4 && dims[2] > 0 && dims[3] > 0)
        {
            (width, height) = (dims[3], dims[2]);
        }
        else
        {
            throw new ModelException(
                $"Model '{ModelPath}' has a dynamic input size and no Ultralytics 'imgsz' metadata. Write a card to '{cardPath}' giving input.width and input.height.");
        }

        ModelLayout layout = InferYoloLayout(labels.Length);
        return new ModelCard
        {
            Name = Path.GetFileNameWithoutExtension(ModelPath),
            Layout = layout,
            Input = new ModelInputSpec
            {
                Width = width,
                Height = height,
                Color = ColorOrder.Rgb,
                Scale = 1f / 255f,
                Resize = ResizeMode.Letterbox,
                Align = LetterboxAlign.Center,
                Pad = 114,
            },
            Labels = labels,
        };
    }

    // Ultralytics YOLOv8/YOLO11 heads give 4+nc channels, YOLOv5 heads 5+nc; anything else is not a layout we know.
    private ModelLayout InferYoloLayout(int classes)
    {
        var names = new List<string>();
        var shapes = new List<long[]>();
        foreach (KeyValuePair<string, NodeMetadata> output in _session.OutputMetadata)
        {
            names.Add(output.Key);
            shapes.Add(Array.ConvertAll(output.Value.Dimensions, d => (long)d));
        }

        if (shapes.Count > 0 && shapes[0].Length == 3)
        {
            long[] s = shapes[0];
            if (s[1] == 4 + classes || s[2] == 4 + classes)
            {
                return ModelLayout.Yolov8;
            }

            if (s[2] == 5 + classes)
            {
                return ModelLayout.Yolov5;
            }
        }

        throw new ModelException(
            $"Model '{ModelPath}' has Ultralytics metadata with {classes} classes, but its outputs {OutputPlan.DescribeAll(names, shapes)} match no known layout " +
            $"(yolov8 [1,{4 + classes},N] or [1,N,{4 + classes}], yolov5 [1,N,{5 + classes}]). Write a card to '{Path.ChangeExtension(ModelPath, ".json")}' if it is another layout.");
    }

    private NodeMetadata InputMetadata()
    {
        if (_session.InputMetadata.Count != 1)
        {
            throw new ModelException(
                $"Model '{ModelPath}' has {_session.InputMetadata.Count} inputs; a detector takes exactly one image tensor [1,3,H,W].");
        }

        foreach (NodeMetadata value in _session.InputMetadata.Values)
        {
            return value;
        }

        throw new UnreachableException();
    }

    private string CheckInput(ModelCard card, string cardText, string modelText)
    {
        NodeMetadata input = InputMetadata();
        string name = _session.InputNames[0];
        int[] d = input.Dimensions;
        string shape = OutputPlan.Describe(Array.ConvertAll(d, x => (long)x));
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
        {
            throw new ModelException(
                $"{Capitalize(modelText)} input '{name}' is {input.ElementDataType}, not a float tensor. Export the model with a float32 image input.");
        }

        if (d.Length != 4 || d[0] > 1 || (d[1] > 0 && d[1] != 3))
        {
            throw new ModelException(
                $"{Capitalize(modelText)} input '{name}' is {shape}; a detector needs an image tensor [1,3,H,W].");
        }

        if (card.Input.Fit && (d[2] > 0 || d[3] > 0))
        {
            throw new ModelException(
                $"Input fitting is on ({cardText}'s input.fit, or Detector:Fit / --fit), but {modelText} input '{name}' is fixed at {shape}. " +
                "Export the model with a dynamic height and width, or turn fitting off (remove input.fit from the card, or --no-fit).");
        }

        if ((d[2] > 0 && d[2] != card.Input.Height) || (d[3] > 0 && d[3] != card.Input.Width))
        {
            throw new ModelException(
                $"{cardText} says the input is {card.Input.Width}x{card.Input.Height}, but {modelText} input '{name}' is fixed at {shape}. " +
                "Set input.width and input.height in the card to the model's size.");
        }

        return name;
    }

    private OutputPlan WarmUpAndPlan(InferenceSession session, ModelCard card, string inputName, OrtValue inputValue, string cardText, string modelText)
    {
        IReadOnlyList<string> outputNames = session.OutputNames;
        var shapes = new long[outputNames.Count][];
        var types = new TensorElementType[outputNames.Count];
        try
        {
            // Output shapes may be symbolic in the graph; one run on the card's input size gives the real ones.
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(_runOptions, [inputName], [inputValue], outputNames);
            for (int i = 0; i < results.Count; i++)
            {
                if (!results[i].IsTensor)
                {
                    shapes[i] = [];
                    continue;
                }

                OrtTensorTypeAndShapeInfo info = results[i].GetTensorTypeAndShape();
                shapes[i] = info.Shape;
                types[i] = info.ElementDataType;
            }
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelException(
                $"{Capitalize(modelText)} failed to run on a {card.Input.Width}x{card.Input.Height} input ({FirstLine(ex.Message)}). " +
                $"The size comes from {CardSource(card)}; set it to one the model accepts.",
                ex);
        }

        OutputPlan plan = OutputPlan.Resolve(card, outputNames, shapes, cardText, modelText);
        foreach (int index in (ReadOnlySpan<int>)[plan.Primary, plan.Secondary])
        {
            if (index >= 0 && types[index] != TensorElementType.Float)
            {
                throw new ModelException(
                    $"{Capitalize(modelText)} output '{outputNames[index]}' is {types[index]}; only float32 outputs are supported. Export the model in float32.");
            }
        }

        return plan;
    }

    private string CardSource(ModelCard card) => card.SourcePath is null
        ? $"the Ultralytics metadata of '{ModelPath}'"
        : $"model card '{card.SourcePath}'";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
