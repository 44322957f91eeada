using Microsoft.Extensions.Logging;

namespace Lookout.Detection;

internal static partial class DetectorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "CUDA is unavailable, so {Model} runs on CPU: {Reason}")]
    public static partial void CudaFallback(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Opened {Model} ({Layout}, input {Input}, {Classes} classes, card {Card}) on {Provider}; score > {ScoreThreshold}, NMS IoU {IouThreshold}")]
    public static partial void Opened(
        ILogger logger, string model, string layout, string input, int classes, string card, string provider, float scoreThreshold, float iouThreshold);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "{Model} lists its weights as graph inputs; they are loaded as constants so ONNX Runtime can fold and fuse them")]
    public static partial void WeightsAsInputs(ILogger logger, string model);
}
