namespace Lookout.Training;

internal static class Program
{
    private static int Main(string[] args)
    {
        TorchRuntime.Initialize();
        Console.Error.WriteLine("usage: lookout-train <verb> [options]");
        return args.Length == 0 ? 2 : 0;
    }
}
