using Lookout.Training.Training;

namespace Lookout.Training.Tests.Training;

public sealed class ObjectBalanceTests
{
    [Fact]
    public void Weights_ThreePointsAndOnePoint_EachObjectWeighsHalfOfThePositives()
    {
        // P = 4 positives, G = 2 objects with points (object 1 has none): object 0's three points share 2,
        // object 2's single point weighs 2.
        var weights = ObjectBalance.Weights([0, 0, 0, 2], objects: 3, power: 1);

        Assert.Equal([2f / 3, 2f / 3, 2f / 3, 2f], weights, FloatComparer(1e-6f));
    }

    [Fact]
    public void Weights_SquareRoot_ObjectsWeighTheRootOfTheirPoints()
    {
        // Four points and one: n^−½ is ½ and 1, scaled by P / Σ√n = 5 / 3; the objects weigh 4·⅚ and 5/3, as √4 to √1.
        var weights = ObjectBalance.Weights([1, 1, 1, 1, 0], objects: 2, power: 0.5f);

        Assert.Equal([5f / 6, 5f / 6, 5f / 6, 5f / 6, 5f / 3], weights, FloatComparer(1e-6f));
    }

    private static IEqualityComparer<float> FloatComparer(float tolerance) =>
        EqualityComparer<float>.Create((x, y) => MathF.Abs(x - y) <= tolerance, _ => 0);
}
