namespace Lookout.Overlay;

/// <summary>An output that cannot be written: the message names it and says what to do.</summary>
public sealed class OutputException : Exception
{
    public OutputException(string message)
        : base(message)
    {
    }

    public OutputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
