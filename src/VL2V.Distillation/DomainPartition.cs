namespace VL2V.Distillation;

/// <summary>One domain of a <see cref="DomainSplit"/>: its role and its in/out sample indices.</summary>
/// <param name="Name">The domain name.</param>
/// <param name="Index">The domain's position in the dataset's domain list (DomainBed's <c>env_i</c>).</param>
/// <param name="Role">What the domain is used for.</param>
/// <param name="In">Indices into the domain (in DomainBed's shuffled order) of the "in" part, <c>count - floor(count * holdout)</c> samples.</param>
/// <param name="Out">Indices of the held-out "out" part, <c>floor(count * holdout)</c> samples.</param>
public sealed record DomainPartition(string Name, int Index, DomainRole Role, IReadOnlyList<int> In, IReadOnlyList<int> Out)
{
    /// <summary>The number of samples in the domain.</summary>
    public int Count => In.Count + Out.Count;
}
