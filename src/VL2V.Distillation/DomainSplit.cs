using VL2V.Distillation.Internal;

namespace VL2V.Distillation;

/// <summary>
/// Which domains train and which test, and how each domain divides into "in" and "out" parts, with DomainBed's
/// semantics: the student trains on the source domains' in-parts, is validated (model selection) on their
/// out-parts, and is tested on the target domains' in-parts.
/// </summary>
/// <remarks>
/// Every domain <c>i</c> (its position in the dataset) is split independently: its sample indices are shuffled by
/// NumPy's legacy <c>RandomState(seed_hash(trialSeed, i))</c> and the first <c>floor(count * holdoutFraction)</c>
/// form the out-part. This reproduces DomainBed's <c>split_dataset</c> exactly, so the same images are held out
/// as in DomainBed, SWAD and the official VL2V code, in every process and on every machine. Instances are
/// immutable and thread-safe.
/// </remarks>
public sealed class DomainSplit
{
    /// <summary>DomainBed's default holdout fraction.</summary>
    public const double DefaultHoldoutFraction = 0.2;

    private DomainSplit(IReadOnlyList<DomainPartition> domains, double holdoutFraction, int trialSeed)
    {
        Domains = domains;
        HoldoutFraction = holdoutFraction;
        TrialSeed = trialSeed;
    }

    /// <summary>Every domain of the dataset, in dataset order.</summary>
    public IReadOnlyList<DomainPartition> Domains { get; }

    /// <summary>The fraction of each domain held out as its out-part.</summary>
    public double HoldoutFraction { get; }

    /// <summary>DomainBed's <c>trial_seed</c>: selects which samples are held out.</summary>
    public int TrialSeed { get; }

    /// <summary>The source (training) domains, in dataset order.</summary>
    public IReadOnlyList<DomainPartition> TrainDomains => Domains.Where(d => d.Role == DomainRole.Train).ToList();

    /// <summary>The target (test) domains, in dataset order.</summary>
    public IReadOnlyList<DomainPartition> TestDomains => Domains.Where(d => d.Role == DomainRole.Test).ToList();

    /// <summary>Leaves one domain out: it is the target, every other domain is a source.</summary>
    /// <param name="domains">The dataset's domains in dataset order (at least two).</param>
    /// <param name="testDomain">The target domain's name.</param>
    /// <param name="holdoutFraction">Fraction of each domain held out, in (0, 1).</param>
    /// <param name="trialSeed">DomainBed's <c>trial_seed</c>.</param>
    /// <exception cref="ArgumentException">The domains or arguments are invalid; the message lists every problem.</exception>
    public static DomainSplit LeaveOneOut(IReadOnlyList<DomainSize> domains, string testDomain,
        double holdoutFraction = DefaultHoldoutFraction, int trialSeed = 0) =>
        Create(domains, [testDomain], trainDomains: null, holdoutFraction, trialSeed);

    /// <summary>Every leave-one-domain-out split of a dataset, one per target domain, in dataset order.</summary>
    /// <param name="domains">The dataset's domains in dataset order (at least two).</param>
    /// <param name="holdoutFraction">Fraction of each domain held out, in (0, 1).</param>
    /// <param name="trialSeed">DomainBed's <c>trial_seed</c>.</param>
    /// <exception cref="ArgumentException">The domains or arguments are invalid; the message lists every problem.</exception>
    public static IReadOnlyList<DomainSplit> AllLeaveOneOut(IReadOnlyList<DomainSize> domains,
        double holdoutFraction = DefaultHoldoutFraction, int trialSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(domains);
        Validate(domains, domains.Count > 0 ? [domains[0].Name] : [], null, holdoutFraction);
        return domains.Select(d => LeaveOneOut(domains, d.Name, holdoutFraction, trialSeed)).ToList();
    }

    /// <summary>Creates a split with one or more target domains.</summary>
    /// <param name="domains">The dataset's domains in dataset order (at least two).</param>
    /// <param name="testDomains">The target domains' names (at least one).</param>
    /// <param name="trainDomains">The source domains' names, or null for every domain that is not a target.</param>
    /// <param name="holdoutFraction">Fraction of each domain held out, in (0, 1).</param>
    /// <param name="trialSeed">DomainBed's <c>trial_seed</c>.</param>
    /// <exception cref="ArgumentException">The domains or arguments are invalid; the message lists every problem.</exception>
    public static DomainSplit Create(IReadOnlyList<DomainSize> domains, IReadOnlyCollection<string> testDomains,
        IReadOnlyCollection<string>? trainDomains = null, double holdoutFraction = DefaultHoldoutFraction, int trialSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentNullException.ThrowIfNull(testDomains);
        Validate(domains, testDomains, trainDomains, holdoutFraction);

        var partitions = new List<DomainPartition>(domains.Count);
        for (int i = 0; i < domains.Count; i++)
        {
            var (name, count) = domains[i];
            var role = testDomains.Contains(name) ? DomainRole.Test
                : trainDomains is null || trainDomains.Contains(name) ? DomainRole.Train
                : DomainRole.Unused;
            var keys = Enumerable.Range(0, count).ToArray();
            new NumpyRandomState((uint)DomainBedSeed.Hash(trialSeed, i)).Shuffle(keys);
            int holdout = (int)(count * holdoutFraction);
            partitions.Add(new DomainPartition(name, i, role, keys[holdout..], keys[..holdout]));
        }
        return new DomainSplit(partitions, holdoutFraction, trialSeed);
    }

    /// <summary>Describes the split, e.g. <c>train [art, cartoon, photo] → test [sketch] (holdout 0.2, trial seed 0)</c>.</summary>
    public override string ToString() =>
        $"train [{string.Join(", ", TrainDomains.Select(d => d.Name))}] → test [{string.Join(", ", TestDomains.Select(d => d.Name))}] " +
        $"(holdout {HoldoutFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}, trial seed {TrialSeed})";

    private static void Validate(IReadOnlyList<DomainSize> domains, IReadOnlyCollection<string> testDomains,
        IReadOnlyCollection<string>? trainDomains, double holdoutFraction)
    {
        var problems = new List<string>();
        var names = domains.Select(d => d.Name).ToList();
        string known = string.Join(", ", names);

        if (domains.Count < 2)
            problems.Add($"A domain split needs at least two domains, but {domains.Count} {(domains.Count == 1 ? "was" : "were")} given ({known}).");
        foreach (var group in names.GroupBy(n => n).Where(g => g.Count() > 1))
            problems.Add($"Domain '{group.Key}' appears {group.Count()} times; domain names must be unique.");
        foreach (var domain in domains.Where(d => string.IsNullOrWhiteSpace(d.Name)))
            problems.Add("A domain has an empty name; every domain needs a name.");
        foreach (var domain in domains.Where(d => d.Count <= 0))
            problems.Add($"Domain '{domain.Name}' has no samples ({domain.Count}); remove it or add images.");
        if (!(holdoutFraction > 0 && holdoutFraction < 1))
            problems.Add($"The holdout fraction must be in (0, 1), but was {holdoutFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}; DomainBed uses 0.2.");

        if (testDomains.Count == 0)
            problems.Add($"At least one test domain is required. Known domains: {known}.");
        foreach (var name in testDomains.Where(n => !names.Contains(n)))
            problems.Add($"Unknown test domain '{name}'. Known domains: {known}.");
        if (trainDomains is not null)
        {
            foreach (var name in trainDomains.Where(n => !names.Contains(n)))
                problems.Add($"Unknown training domain '{name}'. Known domains: {known}.");
            foreach (var name in trainDomains.Where(testDomains.Contains))
                problems.Add($"Domain '{name}' is both a training and a test domain; a target domain must stay unseen.");
        }
        var sources = names.Where(n => !testDomains.Contains(n) && (trainDomains is null || trainDomains.Contains(n))).ToList();
        if (domains.Count >= 2 && testDomains.Count > 0 && sources.Count == 0)
            problems.Add($"No training domain is left after removing the test domains ({string.Join(", ", testDomains)}).");

        if (problems.Count > 0)
            throw new ArgumentException("The domain split is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
    }
}
