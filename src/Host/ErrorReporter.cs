using Lookout.Capture;
using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Overlay;

namespace Lookout.Host;

/// <summary>Turns the errors a user can fix into one line on standard error.</summary>
public static class ErrorReporter
{
    /// <summary>Errors caused by input, model, output or configuration rather than by a bug.</summary>
    public static bool IsUserError(Exception e) =>
        e is SourceException or ModelException or OutputException or DatasetException or Microsoft.Extensions.Options.OptionsValidationException;

    public static void Report(Exception e)
    {
        var message = e is Microsoft.Extensions.Options.OptionsValidationException v
            ? $"invalid configuration in section '{SectionOf(v.OptionsType)}': {string.Join("; ", v.Failures)}"
            : e.Message;
        Console.Error.WriteLine($"lookout: error: {message}");
    }

    private static string SectionOf(Type optionsType) =>
        optionsType.GetField("SectionName")?.GetValue(null) as string ?? optionsType.Name;
}
