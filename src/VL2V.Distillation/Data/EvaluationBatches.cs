namespace VL2V.Distillation.Data;

/// <summary>Ordered, deterministic evaluation batches over one part of a domain (no augmentation: view 0).</summary>
public static class EvaluationBatches
{
    /// <summary>Divides a domain's in- or out-part into consecutive batches, in the partition's order; the last may be smaller.</summary>
    /// <param name="domain">The domain of a <see cref="DomainSplit"/>.</param>
    /// <param name="part">Which part to read.</param>
    /// <param name="batchSize">The batch size (DomainBed: 128; 64 for DomainNet).</param>
    /// <returns>The batches; none when the part is empty.</returns>
    public static IReadOnlyList<IReadOnlyList<SampleRef>> Create(DomainPartition domain, SplitPart part, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var indices = part == SplitPart.In ? domain.In : domain.Out;
        return indices.Chunk(batchSize)
            .Select(chunk => (IReadOnlyList<SampleRef>)chunk.Select(i => new SampleRef(domain.Index, i, 0)).ToArray())
            .ToList();
    }
}
