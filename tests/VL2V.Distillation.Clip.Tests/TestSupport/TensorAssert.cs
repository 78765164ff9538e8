namespace VL2V.Distillation.Clip.Tests.TestSupport;

/// <summary>Element-wise closeness with the fixtures' tolerance |a - b| ≤ atol + rtol·|b|.</summary>
internal static class TensorAssert
{
    public static void Close(Tensor actual, Tensor expected, string what, double atol = 1e-5, double rtol = 1e-4)
    {
        actual.shape.Should().Equal(expected.shape, $"{what} must have the reference shape");
        using var scope = torch.NewDisposeScope();
        var a = actual.detach().to_type(ScalarType.Float64).cpu();
        var b = expected.detach().to_type(ScalarType.Float64).cpu();
        var excess = (a - b).abs() - (atol + rtol * b.abs());
        double worst = excess.max().item<double>();
        double maxDiff = (a - b).abs().max().item<double>();
        worst.Should().BeLessThanOrEqualTo(0, $"{what} must match the reference within {atol} + {rtol}·|ref| (max |diff| = {maxDiff:G3})");
    }
}
