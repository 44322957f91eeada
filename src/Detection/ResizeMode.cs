namespace Lookout.Detection;

/// <summary>How an image is fitted to the model input.</summary>
public enum ResizeMode
{
    /// <summary>Keep the aspect ratio and fill the rest with the pad value.</summary>
    Letterbox,

    /// <summary>Scale each axis independently to the input size.</summary>
    Stretch,
}
