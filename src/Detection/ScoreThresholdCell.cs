namespace Lookout.Detection;

/// <summary>
/// A detector's score threshold, shared by every postprocessor it runs and read once per frame: the thread that runs
/// the detector sees a change made on another one (a key in the live window) from its next frame on.
/// </summary>
internal sealed class ScoreThresholdCell(float value)
{
    private float _value = value;

    public float Value
    {
        get => Volatile.Read(ref _value);
        set => Volatile.Write(ref _value, value);
    }
}
