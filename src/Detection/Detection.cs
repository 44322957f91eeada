namespace Lookout.Detection;

/// <summary>One detected object; <see cref="Box"/> is in the pixels of the image given to the detector.</summary>
/// <remarks>
/// The type shares its name with the namespace: code in another <c>Lookout.*</c> namespace must write
/// <c>Lookout.Detection.Detection</c> or use an alias, because the enclosing namespace wins name lookup.
/// </remarks>
public readonly record struct Detection(int ClassId, string Label, float Score, BoxF Box);
