namespace Lookout.Training.Synthetic;

/// <summary>The synthetic shape classes. The order is fixed: it is the class-id order of every model trained on them.</summary>
public static class ShapeClasses
{
    public const int Circle = 0;
    public const int Triangle = 1;
    public const int Square = 2;
    public const int Star = 3;
    public const int Hexagon = 4;
    public const int Cross = 5;

    public static IReadOnlyList<string> Names { get; } = ["circle", "triangle", "square", "star", "hexagon", "cross"];
}
