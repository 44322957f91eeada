namespace Lookout.Training.Cli;

/// <summary>A command line that cannot be run as given; the message says what to change.</summary>
public sealed class UsageException(string message) : Exception(message);
