namespace Lookout.Detection.Datasets;

/// <summary>
/// A dataset file that cannot be used as it is. The message names the file (and the line or element
/// where one is known) and says what to change.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string filePath, string message)
        : base($"{filePath}: {message}")
    {
        FilePath = filePath;
    }

    public DatasetException(string filePath, string message, Exception innerException)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
