namespace Lookout.Capture;

/// <summary>An input that cannot be read: the message names it and says what to do.</summary>
public sealed class SourceException : Exception
{
    public SourceException(string message)
        : base(message)
    {
    }

    public SourceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
