namespace VL2V.Distillation.Tests.TestSupport;

internal static class TensorAssert
{
    /// <summary>Asserts |actual - expected| &lt;= atol + rtol * |expected| element-wise.</summary>
    public static void Close(Tensor actual, Tensor expected, double atol = 1e-5, double rtol = 1e-4, string because = "")
    {
        actual.shape.Should().Equal(expected.shape, because);
        var a = actual.detach().to(ScalarType.Float64).data<double>().ToArray();
        var e = expected.detach().to(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Math.Abs(a[i] - e[i]).Should().BeLessThanOrEqualTo(atol + rtol * Math.Abs(e[i]),
                $"element {i} is {a[i]} but the reference is {e[i]} {because}");
        }
    }

    public static void Close(double actual, double expected, double atol = 1e-5, double rtol = 1e-4, string because = "") =>
        Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(atol + rtol * Math.Abs(expected),
            $"{actual} should equal the reference {expected} {because}");
}
