namespace VL2V.Distillation.Training;

/// <summary>Mean and spread of one accuracy over independent runs (seeds).</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Std">The population standard deviation (NumPy's default, <c>ddof = 0</c>).</param>
/// <param name="StandardError">DomainBed's error bar: <c>Std / sqrt(Count)</c>.</param>
/// <param name="Count">The number of runs.</param>
public readonly record struct SeedStatistics(double Mean, double Std, double StandardError, int Count)
{
    /// <summary>Summarises values from independent runs.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    public static SeedStatistics Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("Cannot summarise an empty set of runs.", nameof(values));
        double mean = list.Average();
        double std = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Count);
        return new SeedStatistics(mean, std, std / Math.Sqrt(list.Count), list.Count);
    }

    /// <summary>Formats as DomainBed does, in percent: <c>85.7 ± 0.4</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * Mean:0.0} ± {100 * StandardError:0.0}");
}
