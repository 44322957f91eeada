namespace Lookout.Detection;

/// <summary>Where a letterboxed image sits on the input canvas.</summary>
public enum LetterboxAlign
{
    /// <summary>Centred, padding split on both sides; Ultralytics' letterbox, sizes rounded to nearest.</summary>
    Center,

    /// <summary>At the top-left corner, padding right and bottom; YOLOX's letterbox, sizes truncated.</summary>
    TopLeft,
}
