using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace Lookout.Benchmarks;

/// <summary>
/// Entry point of the hot-path benchmarks: preprocessing, each layout's decoder, NMS, overlay drawing and a whole
/// detector call, with time and allocated bytes per operation.
/// </summary>
/// <remarks>
/// Full run (minutes): <c>dotnet run -c Release --project benchmarks/Lookout.Benchmarks -- --filter '*'</c>.
/// Smoke check: add <c>--job short</c>, or <c>--job dry</c> to only see that every benchmark runs.
/// Arguments are BenchmarkDotNet's own (<c>--list flat</c>, <c>--filter '*Nms*'</c>, <c>--exporters json</c>).
/// </remarks>
public static class Program
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
