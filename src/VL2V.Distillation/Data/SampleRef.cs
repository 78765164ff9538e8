namespace VL2V.Distillation.Data;

/// <summary>A sample to load, and which augmented view of it.</summary>
/// <param name="Domain">The domain's position in the dataset (<see cref="DomainPartition.Index"/>).</param>
/// <param name="Index">The sample's index within its domain.</param>
/// <param name="View">The view number (part of the <see cref="AugmentationKey"/>); 0 for evaluation.</param>
public readonly record struct SampleRef(int Domain, int Index, long View);
