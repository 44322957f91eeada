namespace Lookout.Capture;

/// <summary>What a source says about itself before the first frame.</summary>
/// <param name="FrameCount">Frames the source expects to deliver, or -1 when unknown (live).</param>
public readonly record struct SourceInfo(string Name, int Width, int Height, double Fps, long FrameCount, bool IsLive);
