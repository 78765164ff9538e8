using System.Text.Json;
using System.Text.Json.Serialization;

namespace VL2V.Distillation.Training;

/// <summary>One run's scores for a report.</summary>
/// <param name="Method">The method's name (a row of the report).</param>
/// <param name="TargetDomain">The held-out domain.</param>
/// <param name="Seed">The seed.</param>
/// <param name="OodAccuracy">Accuracy on the held-out domain, in [0, 1].</param>
/// <param name="IdAccuracy">Accuracy on the source domains' held-out parts (in-distribution), in [0, 1].</param>
public sealed record RunScore(string Method, string TargetDomain, int Seed, double OodAccuracy, double IdAccuracy);

/// <summary>Mean and population standard deviation over seeds, as written in reports.</summary>
/// <param name="Mean">The mean, in [0, 1].</param>
/// <param name="Std">The standard deviation over seeds.</param>
public readonly record struct MeanStd(double Mean, double Std)
{
    internal static MeanStd Of(IEnumerable<double> values)
    {
        var s = SeedStatistics.Of(values);
        return new MeanStd(s.Mean, s.Std);
    }
}

/// <summary>A method's row of a report.</summary>
/// <param name="Ood">Per target domain: the held-out accuracy over seeds.</param>
/// <param name="OodAvg">Over seeds of the mean over target domains (DomainBed's Avg).</param>
/// <param name="IdAvg">Over seeds of the mean over runs of the in-distribution accuracy.</param>
public sealed record MethodReport(IReadOnlyDictionary<string, MeanStd> Ood, MeanStd OodAvg, MeanStd IdAvg);

/// <summary>
/// The results of several methods on one benchmark under leave-one-domain-out, in the schema that QuickStart's
/// <c>report.json</c> and <c>vl2v distill</c>'s <c>results.json</c> share:
/// <c>{"benchmark", "seeds", "domains", "target_domains", "methods": {M: {"ood": {D: {"mean","std"}}, "ood_avg", "id_avg"}}, "elapsed_seconds"}</c>.
/// </summary>
public sealed record BenchmarkReport(
    string Benchmark,
    IReadOnlyList<int> Seeds,
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> TargetDomains,
    IReadOnlyDictionary<string, MethodReport> Methods,
    double ElapsedSeconds)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds a report from run scores; methods keep the order in which they first appear.</summary>
    /// <exception cref="ArgumentException">A method lacks a target domain for some seed (its average would be biased).</exception>
    public static BenchmarkReport From(string benchmark, IReadOnlyList<string> domains, IReadOnlyList<string> targetDomains,
        IReadOnlyList<int> seeds, IEnumerable<RunScore> scores, TimeSpan elapsed)
    {
        var methods = new Dictionary<string, MethodReport>();
        foreach (var method in scores.GroupBy(s => s.Method))
        {
            var missing = seeds.SelectMany(seed => targetDomains.Where(t => !method.Any(s => s.Seed == seed && s.TargetDomain == t)).Select(t => $"{t} (seed {seed})")).ToList();
            if (missing.Count > 0)
                throw new ArgumentException($"Method '{method.Key}' has no result for {string.Join(", ", missing)}; finish those runs before reporting.", nameof(scores));
            var ood = targetDomains.ToDictionary(t => t, t => MeanStd.Of(method.Where(s => s.TargetDomain == t).Select(s => s.OodAccuracy)));
            var perSeed = seeds.Select(seed => method.Where(s => s.Seed == seed && targetDomains.Contains(s.TargetDomain)).ToList()).ToList();
            methods[method.Key] = new MethodReport(ood,
                MeanStd.Of(perSeed.Select(runs => runs.Average(s => s.OodAccuracy))),
                MeanStd.Of(perSeed.Select(runs => runs.Average(s => s.IdAccuracy))));
        }
        return new BenchmarkReport(benchmark, seeds, domains, targetDomains, methods, elapsed.TotalSeconds);
    }

    /// <summary>The report as indented JSON (snake_case names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the JSON atomically.</summary>
    public void WriteJson(string path) => Checkpoints.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A DomainBed-style Markdown table: methods as rows, target domains, the average and the ID average as columns (percent, mean ± std over seeds).</summary>
    public string ToMarkdown()
    {
        static string Cell(MeanStd v) => FormattableString.Invariant($"{100 * v.Mean:0.0} ± {100 * v.Std:0.0}");
        var lines = new List<string>
        {
            "| Method | " + string.Join(" | ", TargetDomains) + " | OOD avg | ID avg |",
            "|---|" + string.Concat(TargetDomains.Select(_ => "---|")) + "---|---|",
        };
        foreach (var (name, m) in Methods)
            lines.Add($"| {name} | " + string.Join(" | ", TargetDomains.Select(t => Cell(m.Ood[t]))) + $" | {Cell(m.OodAvg)} | {Cell(m.IdAvg)} |");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
