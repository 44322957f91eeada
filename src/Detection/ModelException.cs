namespace Lookout.Detection;

/// <summary>
/// A model file or model card cannot be used. The message names the file and says what to do.
/// </summary>
public sealed class ModelException : Exception
{
    public ModelException()
    {
    }

    public ModelException(string message)
        : base(message)
    {
    }

    public ModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
