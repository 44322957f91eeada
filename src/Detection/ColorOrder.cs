namespace Lookout.Detection;

/// <summary>Channel order of the tensor a model expects.</summary>
public enum ColorOrder
{
    Rgb,
    Bgr,
}
