using Lookout.Training.Cli;

namespace Lookout.Training;

internal static class Program
{
    private const string Usage =
        "usage:\n" + SynthCommand.Usage + "\n" + TrainCommand.Usage;

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        TorchRuntime.Initialize();
        try
        {
            return args[0] switch
            {
                "synth" => SynthCommand.Run(new Arguments(args[1..], new HashSet<string>()), Console.Out),
                "train" => TrainCommand.Train(new Arguments(args[1..], TrainCommand.TrainFlags), Console.Out),
                "export" => TrainCommand.Export(new Arguments(args[1..], TrainCommand.ExportFlags), Console.Out),
                _ => throw new UsageException($"unknown verb '{args[0]}'."),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"lookout-train: {e.Message}\n{Usage}");
            return 2;
        }
        catch (Detection.Datasets.DatasetException e)
        {
            Console.Error.WriteLine($"lookout-train: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"lookout-train: {e.Message}");
            return 1;
        }
    }
}
