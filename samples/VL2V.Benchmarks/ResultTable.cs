using System.Globalization;

namespace VL2V.Benchmarks;

/// <summary>Prints measurements as a Markdown table (paste-ready for docs/performance.md).</summary>
public static class ResultTable
{
    /// <summary>Writes the table to standard output.</summary>
    /// <param name="title">A heading line.</param>
    /// <param name="rows">The measurements.</param>
    public static void Print(string title, IReadOnlyList<Measurement> rows)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| Benchmark | Work / rep | Best s | Best rate | Range of rate | Reps |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var m in rows)
        {
            Console.WriteLine(string.Format(c, "| {0} | {1:0.##} {2} | {3:F3} | {4:F2} {2}/s | {5:F2}–{4:F2} | {6} |",
                m.Name, m.Work, m.Unit, m.BestSeconds, m.BestRate, m.WorstRate, m.Seconds.Count));
        }
    }
}
