using System.Diagnostics;

namespace VL2V.Benchmarks;

/// <summary>Warm-up then best-of-N wall-clock timing, the same procedure as <c>python/bench_common.py</c>.</summary>
public static class Stopwatches
{
    /// <summary>Runs <paramref name="body"/> <paramref name="warmup"/> times untimed, then <paramref name="repetitions"/> times timed.</summary>
    /// <param name="name">The row's name.</param>
    /// <param name="unit">The unit of <paramref name="work"/>.</param>
    /// <param name="work">Items one call of <paramref name="body"/> processes.</param>
    /// <param name="warmup">Untimed calls first (JIT, allocator and libtorch kernel selection).</param>
    /// <param name="repetitions">Timed calls.</param>
    /// <param name="body">The work; it must do the same amount of work on every call.</param>
    /// <returns>The measurement, also printed as one progress line.</returns>
    public static Measurement Measure(string name, string unit, double work, int warmup, int repetitions, Action body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        for (int i = 0; i < warmup; i++)
        {
            body();
            Settle();
        }
        var seconds = new List<double>(repetitions);
        for (int i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            body();
            watch.Stop();
            seconds.Add(watch.Elapsed.TotalSeconds);
            Settle();
        }
        var m = new Measurement(name, unit, work, seconds);
        Console.Error.WriteLine($"  {name}: {string.Join(" ", seconds.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))} s");
        return m;
    }

    // Frees what the last repetition left to finalizers (TorchSharp tensors hold native memory the GC cannot see),
    // outside the timed region, so a repetition does not pay for its predecessor's garbage.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
