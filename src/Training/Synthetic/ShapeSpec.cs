using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// One object to draw: class, centre, radius (half its extent), rotation in radians, fill or outline,
/// colour, and a class-specific proportion (a star's inner radius, a cross's arm width, as fractions of the radius).
/// </summary>
internal sealed record ShapeSpec(int ClassId, Point2f Center, float Radius, float Rotation, bool Filled, int Thickness, Scalar Color, float Proportion)
{
    public PolygonLayer ToLayer()
    {
        var points = ClassId switch
        {
            ShapeClasses.Circle => ShapeGeometry.Circle(Center, Radius),
            ShapeClasses.Triangle => ShapeGeometry.Regular(Center, Radius, 3, Rotation),
            ShapeClasses.Square => ShapeGeometry.Regular(Center, Radius, 4, Rotation),
            ShapeClasses.Star => ShapeGeometry.Star(Center, Radius, Proportion, Rotation),
            ShapeClasses.Hexagon => ShapeGeometry.Regular(Center, Radius, 6, Rotation),
            ShapeClasses.Cross => ShapeGeometry.Cross(Center, Radius, Proportion, Rotation),
            _ => throw new InvalidOperationException($"no shape class {ClassId}."),
        };
        return new PolygonLayer(points, Filled, Thickness) { ClassId = ClassId, Color = Color };
    }
}
