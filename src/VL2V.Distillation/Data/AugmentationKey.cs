namespace VL2V.Distillation.Data;

/// <summary>
/// Everything the randomness of one augmented view depends on: the same key always gives the same view, so a view
/// can be recomputed, cached (with the sample's <see cref="SampleKey"/>) and reproduced exactly.
/// </summary>
/// <param name="Seed">The run's augmentation seed.</param>
/// <param name="Sample">The sample's dataset-wide index (see <see cref="BatchLoader"/>).</param>
/// <param name="View">Which view of the sample (e.g. the draw number in training; 0 for evaluation).</param>
public readonly record struct AugmentationKey(long Seed, long Sample, long View);
