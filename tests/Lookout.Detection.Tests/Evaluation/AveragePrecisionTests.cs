using Lookout.Detection.Evaluation;

namespace Lookout.Detection.Tests.Evaluation;

public sealed class AveragePrecisionTests
{
    [Fact]
    public void AllPoint_NonMonotonicPrecision_UsesEnvelope()
    {
        // Envelope of precision from the right: [1, 1, 0.75, 0.75].
        // AP = 0.2*1 + 0.2*1 + (0.4 -> 0.4 adds nothing) + 0.2*0.75 = 0.55.
        double[] recall = [0.2, 0.4, 0.4, 0.6];
        double[] precision = [1, 1, 0.67, 0.75];

        Assert.Equal(0.55, AveragePrecision.AllPoint(recall, precision), 12);
    }

    [Fact]
    public void AllPoint_Empty_IsZero()
    {
        Assert.Equal(0, AveragePrecision.AllPoint([], []));
    }

    [Fact]
    public void FromOutcomes_TpFpTpFp_IsFiveNinths()
    {
        // 3 objects. Recall 1/3, 1/3, 2/3, 2/3; precision 1, 1/2, 2/3, 1/2; envelope 1, 2/3, 2/3, 1/2.
        // AP = 1/3*1 + 1/3*2/3 = 5/9.
        sbyte[] outcomes = [1, -1, 1, -1];

        Assert.Equal(5.0 / 9.0, AveragePrecision.FromOutcomes(outcomes, 3), 12);
    }

    [Fact]
    public void FromOutcomes_IgnoredFirst_AddsNoArea()
    {
        // Ignored then TP with one object: recall 0, 1; precision 0, 1 -> AP 1.
        sbyte[] outcomes = [0, 1];

        Assert.Equal(1.0, AveragePrecision.FromOutcomes(outcomes, 1), 12);
    }
}
