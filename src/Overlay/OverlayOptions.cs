namespace Lookout.Overlay;

/// <summary>The <c>Overlay</c> section: what is drawn onto annotated frames.</summary>
public sealed class OverlayOptions
{
    public const string SectionName = "Overlay";

    /// <summary>Draw the FPS/latency line at the top left.</summary>
    public bool Hud { get; set; } = true;

    /// <summary>Draw boxes and labels.</summary>
    public bool Boxes { get; set; } = true;
}
