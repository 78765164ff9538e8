using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Data;

/// <summary>
/// DomainBed's training sampler: every step draws <see cref="BatchPerDomain"/> samples from the in-part of EACH
/// source domain, uniformly with replacement (DomainBed's <c>InfiniteDataLoader</c> over
/// <c>RandomSampler(replacement=True)</c>), and concatenates them in domain order.
/// </summary>
/// <remarks>
/// A step's batch is a pure function of (seed, step): a run resumed at step k draws the same batches as an
/// uninterrupted one. By default the view of the sample in slot s of step k is <c>k·B + s</c> (B the batch size), so
/// every draw gets its own augmentation, even when a sample is drawn twice. With <c>viewsPerSample</c> = K, each draw
/// picks one of K views per sample instead, so that a cache of K augmented views per image (e.g. of teacher
/// embeddings, keyed by <see cref="SampleKey"/> and view) covers every draw. Immutable and thread-safe.
/// </remarks>
public sealed class DomainBalancedSampler
{
    private readonly IReadOnlyList<DomainPartition> _sources;

    /// <summary>Creates the sampler for a split's source domains.</summary>
    /// <param name="split">The split; its <see cref="DomainSplit.TrainDomains"/> are sampled.</param>
    /// <param name="batchPerDomain">Samples per source domain per step (DomainBed: 32).</param>
    /// <param name="seed">The sampling seed.</param>
    /// <param name="viewsPerSample">The number of distinct augmented views per sample, or null for a new view at every draw.</param>
    /// <exception cref="ArgumentException">A source domain has an empty in-part, or the batch size or view count is below 1.</exception>
    public DomainBalancedSampler(DomainSplit split, int batchPerDomain = 32, long seed = 0, int? viewsPerSample = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchPerDomain, 1);
        if (viewsPerSample is < 1)
            throw new ArgumentOutOfRangeException(nameof(viewsPerSample), viewsPerSample, "viewsPerSample must be ≥ 1, or null for a new view at every draw.");
        _sources = split.TrainDomains;
        var empty = _sources.Where(d => d.In.Count == 0).Select(d => d.Name).ToList();
        if (empty.Count > 0)
        {
            throw new ArgumentException(
                $"Source domain{(empty.Count == 1 ? "" : "s")} [{string.Join(", ", empty)}] {(empty.Count == 1 ? "has" : "have")} no training samples; add images or lower the holdout fraction.",
                nameof(split));
        }
        BatchPerDomain = batchPerDomain;
        Seed = seed;
        ViewsPerSample = viewsPerSample;
    }

    /// <summary>The number of distinct views per sample, or null when every draw gets a new view.</summary>
    public int? ViewsPerSample { get; }

    /// <summary>Samples per source domain per step.</summary>
    public int BatchPerDomain { get; }

    /// <summary>The sampling seed.</summary>
    public long Seed { get; }

    /// <summary>The batch size per step: <see cref="BatchPerDomain"/> × the number of source domains.</summary>
    public int BatchSize => BatchPerDomain * _sources.Count;

    /// <summary>The batch of one step.</summary>
    /// <param name="step">The step number (0 or more).</param>
    /// <returns><see cref="BatchSize"/> samples, <see cref="BatchPerDomain"/> per source domain, in domain order.</returns>
    public IReadOnlyList<SampleRef> GetBatch(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var batch = new SampleRef[BatchSize];
        int slot = 0;
        foreach (var domain in _sources)
        {
            var rng = new CounterRng(Seed, domain.Index, step);
            for (int i = 0; i < BatchPerDomain; i++, slot++)
            {
                int index = domain.In[rng.NextInt(domain.In.Count)];
                long view = ViewsPerSample is { } k ? rng.NextInt(k) : step * BatchSize + slot;
                batch[slot] = new SampleRef(domain.Index, index, view);
            }
        }
        return batch;
    }

    /// <summary>The endless sequence of batches from a step on (for <see cref="BatchLoader"/>).</summary>
    /// <param name="firstStep">The first step (the step to resume at).</param>
    public IEnumerable<IReadOnlyList<SampleRef>> Batches(long firstStep = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstStep);
        return Iterate(firstStep);
    }

    private IEnumerable<IReadOnlyList<SampleRef>> Iterate(long step)
    {
        for (; ; step++) yield return GetBatch(step);
    }
}
