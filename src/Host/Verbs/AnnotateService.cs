using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookout.Host.Verbs;

/// <summary>Runs <see cref="AnnotateJob"/> as the host's one job, then stops the host with its exit code.</summary>
/// <remarks>Ctrl+C cancels the stopping token: the job drains in-flight frames and finalizes its outputs.</remarks>
public sealed class AnnotateService : BackgroundService
{
    private readonly AnnotateJob _job;
    private readonly RunOutcome _outcome;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<AnnotateService> _logger;

    public AnnotateService(AnnotateJob job, RunOutcome outcome, IHostApplicationLifetime lifetime, ILogger<AnnotateService> logger)
    {
        _job = job;
        _outcome = outcome;
        _lifetime = lifetime;
        _logger = logger;
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
        catch (Exception e)
        {
            // The top of the job: log the full failure once and exit non-zero.
            _logger.LogCritical(e, "annotate failed");
            _outcome.ExitCode = RunOutcome.Failed;
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }
}
