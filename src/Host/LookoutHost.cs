using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Lookout.Host;

/// <summary>
/// Builds and runs the generic host for one verb. Configuration layers, last wins:
/// <c>appsettings.json</c> beside the executable, <c>LOOKOUT__Section__Key</c> environment
/// variables, then the command line.
/// </summary>
public static class LookoutHost
{
    public static async Task<int> RunAsync<TService>(IReadOnlyDictionary<string, string?> overrides, Action<IServiceCollection>? configure = null)
        where TService : class, IHostedService
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("LOOKOUT__");
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = Console.IsErrorRedirected ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.AddCapture().AddDetection().AddOverlay();
        builder.Services.AddSingleton<RunOutcome>();
        configure?.Invoke(builder.Services);
        builder.Services.AddHostedService<TService>();

        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            ErrorReporter.Report(e);
            return RunOutcome.BadInput;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException)
        {
            // A value the binder cannot convert, e.g. "Detector:ScoreThreshold": "high".
            Console.Error.WriteLine($"lookout: error: invalid configuration: {e.Message}");
            return RunOutcome.BadInput;
        }

        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return host.Services.GetRequiredService<RunOutcome>().ExitCode;
    }
}
