namespace Lookout.Host;

/// <summary>The process exit code, set by the verb's hosted service.</summary>
public sealed class RunOutcome
{
    /// <summary>Success, including a run stopped by Ctrl+C whose outputs were finalized.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug or an environment problem); details are logged.</summary>
    public const int Failed = 1;

    /// <summary>Bad input, model, output path or configuration; the message says what to fix.</summary>
    public const int BadInput = 2;

    public int ExitCode { get; set; } = Failed;
}
