using System.Globalization;
using System.Text;

namespace VL2V.Distillation.Training;

/// <summary>
/// DomainBed-style results: one row per method, one column per target domain plus the average, each cell the
/// mean ± standard error over seeds of the target-domain accuracy of leave-one-domain-out runs.
/// </summary>
public static class ResultsTable
{
    /// <summary>One finished run's reported accuracy on its target domain.</summary>
    /// <param name="Method">The method's name (a row).</param>
    /// <param name="TargetDomain">The held-out domain (a column).</param>
    /// <param name="Seed">The run's seed (an independent trial).</param>
    /// <param name="Accuracy">The selected model's accuracy on the target domain, in [0, 1].</param>
    public sealed record Entry(string Method, string TargetDomain, int Seed, double Accuracy);

    /// <summary>The statistics of one method: per target domain, and of the per-seed average over target domains.</summary>
    /// <param name="Method">The method's name.</param>
    /// <param name="PerDomain">Per target domain.</param>
    /// <param name="Average">Over seeds of the mean over all target domains; null unless every seed has every domain.</param>
    public sealed record MethodSummary(string Method, IReadOnlyDictionary<string, SeedStatistics> PerDomain, SeedStatistics? Average);

    /// <summary>Summarises the entries of each method (DomainBed: average over domains within a seed, then mean ± s.e. over seeds).</summary>
    public static IReadOnlyList<MethodSummary> Summarize(IEnumerable<Entry> entries, IReadOnlyList<string> domains)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var summaries = new List<MethodSummary>();
        foreach (var method in entries.GroupBy(e => e.Method))
        {
            var perDomain = method.GroupBy(e => e.TargetDomain)
                .ToDictionary(g => g.Key, g => SeedStatistics.Of(g.Select(e => e.Accuracy)));
            var perSeed = method.GroupBy(e => e.Seed).ToList();
            bool complete = perSeed.All(s => domains.All(d => s.Any(e => e.TargetDomain == d)));
            SeedStatistics? average = complete && perSeed.Count > 0
                ? SeedStatistics.Of(perSeed.Select(s => domains.Average(d => s.First(e => e.TargetDomain == d).Accuracy)))
                : null;
            summaries.Add(new MethodSummary(method.Key, perDomain, average));
        }
        return summaries;
    }

    /// <summary>Renders a Markdown table: methods as rows, target domains and "Avg" as columns, percentages.</summary>
    public static string ToMarkdown(IReadOnlyList<MethodSummary> summaries, IReadOnlyList<string> domains)
    {
        var sb = new StringBuilder();
        sb.Append("| Method | ").Append(string.Join(" | ", domains)).AppendLine(" | Avg |");
        sb.Append("|---|").Append(string.Concat(domains.Select(_ => "---|"))).AppendLine("---|");
        foreach (var s in summaries)
        {
            sb.Append("| ").Append(s.Method).Append(" | ");
            sb.Append(string.Join(" | ", domains.Select(d => s.PerDomain.TryGetValue(d, out var v) ? v.ToString() : "X")));
            sb.Append(" | ").Append(s.Average?.ToString() ?? "X").AppendLine(" |");
        }
        return sb.ToString();
    }
}
