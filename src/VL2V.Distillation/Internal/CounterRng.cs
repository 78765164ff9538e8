namespace VL2V.Distillation.Internal;

/// <summary>
/// A small counter-based random stream: SplitMix64 over a state derived by hashing a key of three integers, so
/// that the numbers drawn for (seed, a, b) are a pure function of the triple, with no shared or global state.
/// Used for per-image augmentation (seed, sample, view) and per-step sampling (seed, domain, step).
/// </summary>
internal struct CounterRng
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public CounterRng(long seed, long a, long b)
    {
        unchecked
        {
            ulong h = Mix((ulong)seed + Golden);
            h = Mix(h ^ ((ulong)a + 2 * Golden));
            h = Mix(h ^ ((ulong)b + 3 * Golden));
            _state = h;
        }
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, count), by Lemire's multiply-shift with rejection (unbiased).</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The range must not be empty.");
        ulong bound = (ulong)count;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * bound;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
