using Microsoft.Extensions.Logging;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Training;

/// <summary>
/// DomainBed's leave-one-domain-out protocol for one method: one independent, resumable run per (target domain, seed),
/// each in its own folder, then the per-domain table.
/// </summary>
/// <remarks>
/// Runs live in <c>{outputDirectory}/{target}/seed{seed}/</c> (checkpoints, <c>metrics.jsonl</c>, <c>result.json</c>,
/// <c>student.safetensors</c>). Calling <see cref="Run{TStudent}"/> again with the same folder skips finished runs and
/// resumes unfinished ones. The summary is written to <c>{outputDirectory}/summary.md</c>.
/// </remarks>
public sealed class LeaveOneOutExperiment
{
    private readonly TrainerOptions _options;
    private readonly ILogger<DistillationTrainer>? _logger;

    /// <summary>Creates the experiment.</summary>
    /// <param name="options">The hyper-parameters shared by every run; each run's <see cref="TrainerOptions.Seed"/> is set from the seed list.</param>
    /// <param name="logger">A logger for the runs, or null.</param>
    public LeaveOneOutExperiment(TrainerOptions? options = null, ILogger<DistillationTrainer>? logger = null)
    {
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _logger = logger;
    }

    /// <summary>Runs (or resumes, or loads) every (target domain, seed) pair.</summary>
    /// <param name="createStudent">Makes a fresh student for a (seed, target) run; the experiment disposes it.</param>
    /// <param name="teacher">The frozen teacher shared by all runs (null only for ERM).</param>
    /// <param name="dataset">The dataset; every domain is a target in turn unless <paramref name="targetDomains"/> says otherwise.</param>
    /// <param name="seeds">The seeds, e.g. [0, 1, 2].</param>
    /// <param name="outputDirectory">The experiment's folder.</param>
    /// <param name="targetDomains">The domains to hold out, or null for all.</param>
    /// <param name="progress">Receives every run's progress, tagged with its target and seed.</param>
    /// <param name="cancellationToken">Stops the current run; finished runs and the current checkpoint stay on disk.</param>
    /// <returns>Every run's reported accuracies.</returns>
    /// <exception cref="ArgumentException">A target domain is unknown or the seed list is empty.</exception>
    public ExperimentResult Run<TStudent>(Func<int, string, TStudent> createStudent, ITeacher? teacher, IDomainDataset dataset,
        IReadOnlyList<int> seeds, string outputDirectory, IReadOnlyList<string>? targetDomains = null,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        ArgumentNullException.ThrowIfNull(createStudent);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is required, e.g. [0, 1, 2].", nameof(seeds));
        var targets = targetDomains ?? dataset.Domains;
        var unknown = targets.Where(t => !dataset.Domains.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown target domain(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Known domains: {string.Join(", ", dataset.Domains)}.", nameof(targetDomains));

        var runs = new List<ExperimentRun>();
        int index = 0, total = targets.Count * seeds.Count;
        foreach (var target in targets)
        {
            var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, target, _options.HoldoutFraction, _options.TrialSeed);
            foreach (var seed in seeds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var runProgress = progress is null ? null : new RunProgress(progress, target, seed, index, total);
                using var student = createStudent(seed, target);
                var trainer = new DistillationTrainer(_options with { Seed = seed }, _logger);
                var folder = Path.Combine(outputDirectory, Sanitize(target), $"seed{seed}");
                var result = trainer.Fit(student, teacher, dataset, split, folder, runProgress, cancellationToken);
                runs.Add(new ExperimentRun(target, seed, result.Reported.TargetAccuracy, result.Reported.SourceValidationAccuracy, result));
                index++;
            }
        }
        var experiment = new ExperimentResult(_options.Method, dataset.Domains, targets.ToList(), seeds.ToList(), runs);
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(outputDirectory, "summary.md"), experiment.ToMarkdown());
        return experiment;
    }

    private static string Sanitize(string name) =>
        string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ' ' ? '_' : c));

    private sealed class RunProgress(IProgress<ExperimentProgress> inner, string target, int seed, int index, int total) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => inner.Report(new ExperimentProgress(target, seed, index, total, value));
    }
}

/// <summary>Progress of one run of an experiment.</summary>
/// <param name="TargetDomain">The run's held-out domain.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="RunIndex">The run's position (0-based) among <paramref name="RunCount"/>.</param>
/// <param name="RunCount">The number of runs.</param>
/// <param name="Training">The run's own progress.</param>
public readonly record struct ExperimentProgress(string TargetDomain, int Seed, int RunIndex, int RunCount, TrainingProgress Training);

/// <summary>One finished run of an experiment.</summary>
/// <param name="TargetDomain">The held-out domain.</param>
/// <param name="Seed">The seed.</param>
/// <param name="TargetAccuracy">The reported model's accuracy on the target domain (out-of-distribution), in [0, 1].</param>
/// <param name="SourceAccuracy">The reported model's accuracy on the source domains' held-out parts (in-distribution).</param>
/// <param name="Result">The full result.</param>
public sealed record ExperimentRun(string TargetDomain, int Seed, double TargetAccuracy, double SourceAccuracy, RunResult Result);

/// <summary>The runs of one method under leave-one-domain-out.</summary>
/// <param name="Method">The method.</param>
/// <param name="Domains">Every domain of the dataset.</param>
/// <param name="TargetDomains">The held-out domains.</param>
/// <param name="Seeds">The seeds.</param>
/// <param name="Runs">One entry per (target, seed).</param>
public sealed record ExperimentResult(DistillationMethod Method, IReadOnlyList<string> Domains, IReadOnlyList<string> TargetDomains,
    IReadOnlyList<int> Seeds, IReadOnlyList<ExperimentRun> Runs)
{
    /// <summary>Out-of-distribution accuracy per target domain and averaged, as DomainBed reports it.</summary>
    public ResultsTable.MethodSummary OutOfDistribution(string? name = null) =>
        ResultsTable.Summarize(Runs.Select(r => new ResultsTable.Entry(name ?? Method.ToString(), r.TargetDomain, r.Seed, r.TargetAccuracy)), TargetDomains).Single();

    /// <summary>In-distribution (source validation) accuracy, averaged over the runs of each seed.</summary>
    public SeedStatistics InDistribution =>
        SeedStatistics.Of(Runs.GroupBy(r => r.Seed).Select(g => g.Average(r => r.SourceAccuracy)));

    /// <summary>Each run's scores, for a <see cref="BenchmarkReport"/>.</summary>
    /// <param name="name">The method's name in the report (default: the method).</param>
    public IEnumerable<RunScore> Scores(string? name = null) =>
        Runs.Select(r => new RunScore(name ?? Method.ToString(), r.TargetDomain, r.Seed, r.TargetAccuracy, r.SourceAccuracy));

    /// <summary>The DomainBed-style Markdown table of this method.</summary>
    public string ToMarkdown(string? name = null) => ResultsTable.ToMarkdown([OutOfDistribution(name)], TargetDomains);
}
