using Lookout.Host.Cli;

namespace Lookout.Tests.Support;

/// <summary>Runs the <c>lookout</c> command line in-process and captures what it prints on standard error.</summary>
public static class CliRunner
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    public static async Task<(int ExitCode, string Error)> RunAsync(params string[] args)
    {
        await s_gate.WaitAsync();
        var previous = Console.Error;
        var captured = new StringWriter();
        try
        {
            Console.SetError(TextWriter.Synchronized(captured));
            var code = await LookoutCli.RunAsync([.. args, "--no-progress"]);
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetError(previous);
            s_gate.Release();
        }
    }

    public static async Task<(int ExitCode, string Error)> RunRawAsync(params string[] args)
    {
        await s_gate.WaitAsync();
        var previous = Console.Error;
        var captured = new StringWriter();
        try
        {
            Console.SetError(TextWriter.Synchronized(captured));
            var code = await LookoutCli.RunAsync(args);
            return (code, captured.ToString());
        }
        finally
        {
            Console.SetError(previous);
            s_gate.Release();
        }
    }
}
