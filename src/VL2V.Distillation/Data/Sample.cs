namespace VL2V.Distillation.Data;

/// <summary>One loaded sample of an <see cref="IDomainDataset"/>.</summary>
/// <param name="Domain">The domain's position in <see cref="IDomainDataset.Domains"/>.</param>
/// <param name="Index">The sample's index within its domain (the index space of <see cref="DomainPartition"/>).</param>
/// <param name="Label">The class index into <see cref="IDomainDataset.Classes"/>.</param>
/// <param name="Key">The sample's stable identity.</param>
/// <param name="Image">The decoded image.</param>
public sealed record Sample(int Domain, int Index, long Label, SampleKey Key, RgbImage Image);
