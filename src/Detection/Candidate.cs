namespace Lookout.Detection;

/// <summary>A decoded box before non-maximum suppression, in model-input pixels.</summary>
public readonly record struct Candidate(BoxF Box, float Score, int ClassId);
