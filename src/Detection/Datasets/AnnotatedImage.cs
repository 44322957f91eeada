namespace Lookout.Detection.Datasets;

/// <summary>One image of a dataset with its ground truth. Boxes are in pixels of the image as stored.</summary>
public sealed record AnnotatedImage(string Id, string ImagePath, int Width, int Height, IReadOnlyList<AnnotatedObject> Objects);
