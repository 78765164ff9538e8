namespace VL2V.Distillation.Internal;

/// <summary>
/// Tensor arithmetic whose <see cref="Scalar"/> arguments stay reachable for the whole native call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns numbers (and the default <c>alpha</c> of <c>a + b</c>) into finalizable <see cref="Scalar"/>
/// objects that nothing references once their native handle is read; a garbage collection on another thread during
/// the native call can then free the scalar while libtorch reads it (<c>toFloat ... Scalar.h:140</c> or "Unknown
/// scalar type"; docs/troubleshooting.md). Tensor-tensor <c>-</c>, <c>*</c> and <c>/</c> create no scalar and need no
/// helper; <c>+</c> does (its <c>alpha</c>). Every helper here either uses the process-lifetime constant
/// <see cref="One"/> or disposes its scalar only after the call returned, so the race cannot happen on our hot paths.
/// </remarks>
internal static class HeldScalars
{
    /// <summary>The integer 1, the <c>alpha</c> of additions and subtractions; never collected.</summary>
    public static readonly Scalar One = 1;

    /// <summary><c>a + b</c> (broadcasting).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + value</c>.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary><c>a * value</c>.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><c>a / value</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.div(s);
    }

    /// <summary><c>value - a</c>.</summary>
    public static Tensor SubtractedFrom(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.neg().add_(s, One);
    }

    /// <summary><c>a ** exponent</c>.</summary>
    public static Tensor Power(this Tensor a, double exponent)
    {
        using var s = exponent.ToScalar();
        return a.pow(s);
    }

    /// <summary><c>max(a, min)</c> element-wise.</summary>
    public static Tensor AtLeast(this Tensor a, double min)
    {
        using var s = min.ToScalar();
        return a.clamp_min(s);
    }

    /// <summary>Clamps <paramref name="a"/> into <c>[min, max]</c> in place.</summary>
    public static Tensor ClampInPlace(this Tensor a, double min, double max)
    {
        using Scalar lo = min.ToScalar(), hi = max.ToScalar();
        return a.clamp_(lo, hi);
    }

    /// <summary><c>a &gt; value</c> as a bool tensor.</summary>
    public static Tensor GreaterThan(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.gt(s);
    }

    /// <summary><c>0, 1, …, count - 1</c> as int64 on <paramref name="device"/>.</summary>
    public static Tensor Range(long count, Device device)
    {
        using Scalar start = 0L, stop = count, step = 1L;
        return torch.arange(start, stop, step, dtype: ScalarType.Int64, device: device);
    }
}
