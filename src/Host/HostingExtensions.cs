using Lookout.Capture;
using Lookout.Detection;
using Lookout.Overlay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lookout.Host;

/// <summary>Registers each layer's options, bound to its <c>appsettings.json</c> section and validated at start-up.</summary>
public static class HostingExtensions
{
    public static IHostApplicationBuilder AddCapture(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SourceOptions>().BindConfiguration(SourceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static IHostApplicationBuilder AddDetection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DetectorOptions>().BindConfiguration(DetectorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static IHostApplicationBuilder AddOverlay(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OverlayOptions>().BindConfiguration(OverlayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutputOptions>().BindConfiguration(OutputOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
