namespace VL2V.Benchmarks;

/// <summary>The timed repetitions of one benchmark row: <see cref="Work"/> items (images, steps) per repetition.</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Unit">The unit of <see cref="Work"/>, e.g. "img".</param>
/// <param name="Work">Items processed by one repetition.</param>
/// <param name="Seconds">The wall time of each timed repetition (warm-up excluded).</param>
public sealed record Measurement(string Name, string Unit, double Work, IReadOnlyList<double> Seconds)
{
    /// <summary>The fastest repetition: the least disturbed by other processes on a shared machine.</summary>
    public double BestSeconds => Seconds.Min();

    /// <summary>The slowest repetition.</summary>
    public double WorstSeconds => Seconds.Max();

    /// <summary>Items per second of the fastest repetition.</summary>
    public double BestRate => Work / BestSeconds;

    /// <summary>Items per second of the slowest repetition.</summary>
    public double WorstRate => Work / WorstSeconds;
}
