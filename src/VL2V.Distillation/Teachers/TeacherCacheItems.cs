using VL2V.Distillation.Data;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// Lists the (sample, view) items a training run will ask the teacher for, to build a cache ahead of training.
/// </summary>
/// <remarks>
/// A <see cref="DomainBalancedSampler"/> with <c>viewsPerSample</c> = K draws view <c>v ∈ [0, K)</c> of in-part samples
/// of the source domains only, so <see cref="AllViews"/> over those domains covers every step of every seed. Every
/// domain's in-part is the same in all leave-one-domain-out splits of a dataset (it depends only on the trial seed and
/// the domain's position), so <c>AllViews(split.Domains, K)</c> of any one split covers all of them.
/// </remarks>
public static class TeacherCacheItems
{
    /// <summary>Every view <c>0..K-1</c> of every in-part sample of the given domains.</summary>
    /// <param name="domains">The domains, e.g. <see cref="DomainSplit.TrainDomains"/> (one run) or <see cref="DomainSplit.Domains"/> (all leave-one-out runs).</param>
    /// <param name="viewsPerSample">The sampler's <c>viewsPerSample</c> K.</param>
    /// <returns><c>Σ |In| · K</c> items, domain by domain.</returns>
    public static IReadOnlyList<SampleRef> AllViews(IEnumerable<DomainPartition> domains, int viewsPerSample)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentOutOfRangeException.ThrowIfLessThan(viewsPerSample, 1);
        var items = new List<SampleRef>();
        foreach (var domain in domains)
        {
            foreach (int index in domain.In)
            {
                for (int view = 0; view < viewsPerSample; view++) items.Add(new SampleRef(domain.Index, index, view));
            }
        }
        return items;
    }

    /// <summary>The distinct items a sampler draws in its first <paramref name="steps"/> steps, in order of first draw.</summary>
    /// <param name="sampler">The training sampler (with <c>viewsPerSample</c> set, or every draw is its own view and nothing repeats).</param>
    /// <param name="steps">The number of steps of the run.</param>
    public static IReadOnlyList<SampleRef> Drawn(DomainBalancedSampler sampler, long steps)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var seen = new HashSet<SampleRef>();
        var items = new List<SampleRef>();
        for (long step = 0; step < steps; step++)
        {
            foreach (var item in sampler.GetBatch(step))
            {
                if (seen.Add(item)) items.Add(item);
            }
        }
        return items;
    }
}
