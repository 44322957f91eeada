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
    /// <remarks>
    /// The image given to the detector is disposed or overwritten after the call returns; the detector must
    /// not keep it. A dataset with a <see cref="DetectionDataset.VideoPath"/> is read frame by frame from the video.
    /// </remarks>
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
    /// <exception cref="DatasetException">An image cannot be read, or the video ends early.</exception>
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
        var done = 0;
        foreach (var mat in Frames(dataset))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = dataset.Images[done];
            var detections = detector(mat);
            var scale = inputScale?.Invoke(mat.Cols, mat.Rows) ?? 1;
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
            done++;
            progress?.Report(done);
        }

        return evaluator.Compute();
    }

    /// <summary>Each image of the dataset, read as stored (BGR); a frame is valid until the next one is asked for.</summary>
    private static IEnumerable<Mat> Frames(DetectionDataset dataset)
    {
        if (dataset.VideoPath is { } video)
        {
            using var capture = new VideoCapture(video);
            using var frame = new Mat();
            for (var i = 0; i < dataset.Images.Count; i++)
            {
                if (!capture.IsOpened() || !capture.Read(frame) || frame.Empty())
                {
                    throw new DatasetException(video, $"the video ended at frame {i} of the {dataset.Images.Count} its truth describes.");
                }

                yield return frame;
            }

            yield break;
        }

        foreach (var image in dataset.Images)
        {
            using var mat = Cv2.ImRead(image.ImagePath, ImreadModes.Color);
            if (mat.Empty())
            {
                throw new DatasetException(image.ImagePath, "not a readable image; replace or remove it.");
            }

            yield return mat;
        }
    }
}
