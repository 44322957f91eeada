using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Detection.Evaluation;

/// <summary>Runs any detector over a dataset split and scores it with <see cref="MeanAveragePrecisionEvaluator"/>.</summary>
public static class DatasetEvaluator
{
    /// <summary>
    /// Reads each image (BGR, as stored), asks <paramref name="detector"/> for its detections and
    /// evaluates them. Detections are matched to the dataset's classes by label, so a model whose
    /// class order differs, or which knows more classes, is scored fairly; labels the dataset does not
    /// have are left out.
    /// </summary>
    /// <remarks>The image given to the detector is disposed after the call returns; the detector must not keep it.</remarks>
    /// <param name="progress">Told the number of images done after each image.</param>
    /// <exception cref="DatasetException">An image cannot be read.</exception>
    public static EvaluationReport Evaluate(
        DetectionDataset dataset,
        Func<Mat, Detection[]> detector,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detector);
        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < dataset.ClassNames.Count; i++)
        {
            classIds[dataset.ClassNames[i]] = i;
        }

        var evaluator = new MeanAveragePrecisionEvaluator(dataset.ClassNames);
        var kept = new List<Detection>();
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = dataset.Images[i];
            Detection[] detections;
            using (var mat = Cv2.ImRead(image.ImagePath, ImreadModes.Color))
            {
                if (mat.Empty())
                {
                    throw new DatasetException(image.ImagePath, "not a readable image; replace or remove it.");
                }

                detections = detector(mat);
            }

            kept.Clear();
            foreach (var d in detections)
            {
                if (classIds.TryGetValue(d.Label, out var classId))
                {
                    kept.Add(d with { ClassId = classId });
                }
            }

            evaluator.Add(image.Objects, kept);
            progress?.Report(i + 1);
        }

        return evaluator.Compute();
    }
}
