namespace Lookout.Training.Training;

/// <summary>
/// Weights of positives (grid points or default boxes) by their object's number n of positives (<c>--balance</c>):
/// n^−p, normalized so the weights sum to the number of positives P. p = 0: each positive counts once, so an object
/// weighs n; p = 1: every object weighs the same; p = ½: an object weighs √n.
/// </summary>
internal static class ObjectBalance
{
    /// <summary>
    /// Per positive, n^−<paramref name="power"/>·P / Σ over objects of n^(1−<paramref name="power"/>), n the positives
    /// of its object, given as the object's index in [0, <paramref name="objects"/>). With power 1 each object's
    /// weights sum to P / G, G the objects with positives.
    /// </summary>
    public static float[] Weights(IReadOnlyList<int> positiveObject, int objects, float power)
    {
        var points = new int[objects];
        foreach (var o in positiveObject)
        {
            points[o]++;
        }

        var total = points.Where(p => p > 0).Sum(p => Math.Pow(p, 1 - power));
        var scale = positiveObject.Count / total;
        return positiveObject.Select(o => (float)(scale * Math.Pow(points[o], -power))).ToArray();
    }
}
