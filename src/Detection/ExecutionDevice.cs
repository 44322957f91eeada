namespace Lookout.Detection;

/// <summary>Where ONNX Runtime runs the network.</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when it loads, otherwise CPU (logged once at start-up).</summary>
    Auto,

    /// <summary>CPU only.</summary>
    Cpu,

    /// <summary>CUDA only; opening fails when CUDA 13 / cuDNN 9 cannot be loaded.</summary>
    Cuda,
}
