namespace Lookout.Detection.Evaluation;

/// <summary>
/// One class's line of an evaluation. AP values are NaN for a class with no (non-difficult) ground
/// truth, which is left out of the means.
/// </summary>
/// <param name="GroundTruths">Non-difficult objects of the class.</param>
/// <param name="Difficult">Difficult objects of the class (ignored by the matching).</param>
/// <param name="Detections">Detections of the class.</param>
/// <param name="Ap50">AP at IoU 0.5, all-point interpolated.</param>
/// <param name="Ap75">AP at IoU 0.75.</param>
/// <param name="Ap50To95">Mean AP over IoU 0.50:0.05:0.95.</param>
public sealed record ClassAveragePrecision(
    int ClassId,
    string Label,
    int GroundTruths,
    int Difficult,
    int Detections,
    double Ap50,
    double Ap75,
    double Ap50To95)
{
    /// <summary>Whether the class has ground truth and so counts in the means.</summary>
    public bool IsEvaluated => GroundTruths > 0;
}
