using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookout.Host.Verbs;

/// <summary>A verb's work: runs to its end or until stopped, and returns the exit code.</summary>
public interface IJob
{
    /// <summary>Verb name, for the one log line of an unexpected failure.</summary>
    string Name { get; }

    Task<int> RunAsync(CancellationToken stop);
}

/// <summary>Runs one <see cref="IJob"/> as the host's background service, then stops the host with its exit code.</summary>
/// <remarks>Ctrl+C cancels the stopping token: the job drains in-flight work and finalizes its outputs.</remarks>
public sealed class JobService<TJob> : BackgroundService
    where TJob : IJob
{
    private readonly TJob _job;
    private readonly RunOutcome _outcome;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;

    public JobService(TJob job, RunOutcome outcome, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        _job = job;
        _outcome = outcome;
        _lifetime = lifetime;
        _logger = loggers.CreateLogger("lookout." + job.Name);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            _outcome.ExitCode = await _job.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ErrorReporter.IsUserError(e))
        {
            ErrorReporter.Report(e);
            _outcome.ExitCode = RunOutcome.BadInput;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"lookout: {_job.Name} interrupted");
            _outcome.ExitCode = RunOutcome.Ok;
        }
        catch (Exception e)
        {
            // The top of the job: log the full failure once and exit non-zero.
            _logger.LogCritical(e, "{Verb} failed", _job.Name);
            _outcome.ExitCode = RunOutcome.Failed;
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }
}
