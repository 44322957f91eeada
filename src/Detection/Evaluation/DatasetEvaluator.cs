using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Detection.Evaluation;

/// <summary>Runs any detector over a dataset split and scores it with <see cref="MeanAveragePrecisionEvaluator"/>.</summary>
public static class DatasetEvaluator
{
    /// <summary>The one class of a class-agnostic evaluation.</summary>
    public const string AgnosticClassName = "object";

    /// <summary>
    /// Reads each image (BGR, as stored), asks <paramref name="detector"/> for its detections and
    /// evaluates them. Detections are matched to the dataset's classes by label, so a model whose
    /// class order differs, or which knows more classes, is scored fairly; labels the dataset does not
    /// have are left out.
    /// </summary>
    /// <remarks>The image given to the detector is disposed after the call returns; the detector must not keep it.</remarks>
    /// <param name="progress">Told the number of images done after each image.</param>
    /// <param name="inputScale">
    /// How much the detector's input scales an image of the given width and height, so the size
    /// breakdown is in the network's pixels; without it, in image pixels.
    /// </param>
    /// <param name="classAgnostic">
    /// Score every class as one, <see cref="AgnosticClassName"/>: a detection matches any object, whatever
    /// either's class. Against the usual report it separates finding and placing objects from naming them.
    /// Detections whose label the dataset does not have are still left out.
    /// </param>
    /// <exception cref="DatasetException">An image cannot be read.</exception>
    public static EvaluationReport Evaluate(
        DetectionDataset dataset,
        Func<Mat, Detection[]> detector,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default,
        Func<int, int, double>? inputScale = null,
        bool classAgnostic = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detector);
        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < dataset.ClassNames.Count; i++)
        {
            classIds[dataset.ClassNames[i]] = i;
        }

        var evaluator = new MeanAveragePrecisionEvaluator(classAgnostic ? [AgnosticClassName] : dataset.ClassNames);
        var kept = new List<Detection>();
        var truths = new List<AnnotatedObject>();
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = dataset.Images[i];
            Detection[] detections;
            double scale;
            using (var mat = Cv2.ImRead(image.ImagePath, ImreadModes.Color))
            {
                if (mat.Empty())
                {
                    throw new DatasetException(image.ImagePath, "not a readable image; replace or remove it.");
                }

                detections = detector(mat);
                scale = inputScale?.Invoke(mat.Cols, mat.Rows) ?? 1;
            }

            kept.Clear();
            foreach (var d in detections)
            {
                if (classIds.TryGetValue(d.Label, out var classId))
                {
                    kept.Add(classAgnostic ? d with { ClassId = 0, Label = AgnosticClassName } : d with { ClassId = classId });
                }
            }

            if (classAgnostic)
            {
                truths.Clear();
                foreach (var t in image.Objects)
                {
                    truths.Add(t with { ClassId = 0, Label = AgnosticClassName });
                }
            }

            evaluator.Add(classAgnostic ? truths : image.Objects, kept, scale);
            progress?.Report(i + 1);
        }

        return evaluator.Compute();
    }
}
