namespace VL2V.Distillation.Internal;

/// <summary>Range checks for numeric options; the message says what the value means and what is allowed.</summary>
internal static class ArgumentChecks
{
    public static double NonNegativeFinite(double value, string name, string what)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number ≥ 0.");
        return value;
    }

    public static double PositiveFinite(double value, string name, string what)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be a positive finite number.");
        return value;
    }
}
