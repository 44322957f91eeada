namespace Lookout.Training.Training;

/// <summary>
/// One letterboxed network input: CHW RGB floats in [0, 1], and its objects in input pixels
/// (x1, y1, x2, y2 per object), class ids and difficult flags.
/// </summary>
internal sealed record TrainingSample(float[] Pixels, float[] Boxes, int[] Classes, bool[] Difficult);
