namespace Lookout.Detection.Tests;

public sealed class DetectionAgreementTests
{
    private static Detection D(int cls, float score, float x) => new(cls, "c" + cls, score, new BoxF(x, 10, x + 100, 110));

    [Fact]
    public void Compare_SameDetectionsSlightlyMoved_AgreesWithAllPaired()
    {
        Detection[] a = [D(0, 0.9f, 0), D(1, 0.8f, 300)];
        Detection[] b = [D(1, 0.79f, 301), D(0, 0.91f, 1)];

        DetectionAgreement result = DetectionAgreement.Compare(a, b, 0.3f);

        Assert.Equal(2, result.Matched);
        Assert.Equal(0, result.OnlyFirst + result.OnlySecond + result.Borderline);
        Assert.InRange(result.MinIoU, 0.95f, 1f);
        Assert.Equal(0.01f, result.MaxScoreDifference, 3);
        Assert.True(result.Agrees);
    }

    [Fact]
    public void Compare_ConfidentBoxFoundByOneSideOnly_Disagrees()
    {
        DetectionAgreement result = DetectionAgreement.Compare([D(0, 0.9f, 0), D(0, 0.8f, 300)], [D(0, 0.9f, 0)], 0.3f);

        Assert.Equal(1, result.OnlyFirst);
        Assert.False(result.Agrees);
    }

    [Fact]
    public void Compare_UnpairedBoxJustAboveThreshold_CountsAsBorderlineAndAgrees()
    {
        DetectionAgreement result = DetectionAgreement.Compare([D(0, 0.9f, 0)], [D(0, 0.9f, 0), D(2, 0.32f, 300)], 0.3f);

        Assert.Equal(1, result.Borderline);
        Assert.Equal(0, result.OnlySecond);
        Assert.True(result.Agrees);
    }

    [Fact]
    public void Compare_SameBoxOtherClass_DoesNotPair()
    {
        DetectionAgreement result = DetectionAgreement.Compare([D(0, 0.9f, 0)], [D(1, 0.9f, 0)], 0.3f);

        Assert.Equal(0, result.Matched);
        Assert.Equal(1, result.OnlyFirst);
        Assert.Equal(1, result.OnlySecond);
    }

    [Fact]
    public void Add_TwoFrames_SumsCountsAndKeepsWorstCases()
    {
        var first = new DetectionAgreement(2, 0, 1, 0, 0.97f, 0.01f);
        var second = new DetectionAgreement(3, 1, 0, 2, 0.92f, 0.03f);

        DetectionAgreement total = DetectionAgreement.None.Add(first).Add(second);

        Assert.Equal(new DetectionAgreement(5, 1, 1, 2, 0.92f, 0.03f), total);
    }
}
