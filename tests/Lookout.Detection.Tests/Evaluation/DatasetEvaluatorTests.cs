using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;
using Lookout.Detection.Tests.Datasets;
using OpenCvSharp;

namespace Lookout.Detection.Tests.Evaluation;

public sealed class DatasetEvaluatorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Evaluate_DetectorMatchingByLabel_ScoresPerfectAndReportsProgress()
    {
        // Two images told apart by width; the fake detector answers with the truth, using its own
        // class ids (7, 9) and one label the dataset does not have, which must be left out.
        Directory.CreateDirectory(Path.Combine(_folder.Path, "Annotations"));
        _folder.WriteImage("JPEGImages/a.jpg", 64, 48);
        _folder.WriteImage("JPEGImages/b.jpg", 80, 48);
        var truthA = new AnnotatedObject(0, "cat", new BoxF(2, 2, 30, 30), false);
        var truthB = new AnnotatedObject(1, "dog", new BoxF(10, 5, 50, 40), false);
        VocWriter.WriteAnnotation(Path.Combine(_folder.Path, "Annotations", "a.xml"), "a.jpg", 64, 48, [truthA]);
        VocWriter.WriteAnnotation(Path.Combine(_folder.Path, "Annotations", "b.xml"), "b.jpg", 80, 48, [truthB]);
        VocWriter.WriteSplit(_folder.Path, "test", ["a", "b"]);
        ClassNameList.Write(Path.Combine(_folder.Path, VocDataset.LabelsFileName), ["cat", "dog"]);
        var dataset = VocDataset.Load(_folder.Path, "test");
        var progress = new List<int>();

        var report = DatasetEvaluator.Evaluate(
            dataset,
            mat => mat.Width == 64
                ? [new Detection(7, "cat", 0.9f, truthA.Box), new Detection(3, "zebra", 0.99f, truthA.Box)]
                : [new Detection(9, "dog", 0.8f, truthB.Box)],
            new SynchronousProgress(progress));

        Assert.Equal(1.0, report.Map50, 12);
        Assert.Equal(1.0, report.Map50To95, 12);
        Assert.Equal([1, 2], progress);
        Assert.Equal(1, report.Classes[0].Detections);
    }

    [Fact]
    public void Evaluate_ClassAgnosticWithWrongLabels_MatchesBoxesAsOneClass()
    {
        // The detector places both boxes exactly but swaps their labels: per class that scores 0,
        // as one class 1; a label the dataset does not have is still left out.
        Directory.CreateDirectory(Path.Combine(_folder.Path, "Annotations"));
        _folder.WriteImage("JPEGImages/a.jpg", 64, 48);
        var cat = new AnnotatedObject(0, "cat", new BoxF(2, 2, 30, 30), false);
        var dog = new AnnotatedObject(1, "dog", new BoxF(34, 5, 60, 40), false);
        VocWriter.WriteAnnotation(Path.Combine(_folder.Path, "Annotations", "a.xml"), "a.jpg", 64, 48, [cat, dog]);
        VocWriter.WriteSplit(_folder.Path, "test", ["a"]);
        ClassNameList.Write(Path.Combine(_folder.Path, VocDataset.LabelsFileName), ["cat", "dog"]);
        var dataset = VocDataset.Load(_folder.Path, "test");
        Detection[] Swapped(Mat _) =>
            [new Detection(1, "dog", 0.9f, cat.Box), new Detection(0, "cat", 0.8f, dog.Box), new Detection(5, "zebra", 0.95f, new BoxF(40, 30, 50, 40))];

        var perClass = DatasetEvaluator.Evaluate(dataset, Swapped);
        var agnostic = DatasetEvaluator.Evaluate(dataset, Swapped, classAgnostic: true);

        Assert.Equal(0.0, perClass.Map50, 12);
        Assert.Equal(1.0, agnostic.Map50, 12);
        var only = Assert.Single(agnostic.Classes);
        Assert.Equal(DatasetEvaluator.AgnosticClassName, only.Label);
        Assert.Equal(2, only.Detections);
    }

    private sealed class SynchronousProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value) => values.Add(value);
    }
}
