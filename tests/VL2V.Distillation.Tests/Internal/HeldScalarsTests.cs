using FluentAssertions;
using VL2V.Distillation.Internal;
using Xunit;

namespace VL2V.Distillation.Tests.Internal;

/// <summary>
/// The held-scalar arithmetic must compute what the operators compute. That the library uses it everywhere is checked
/// from the compiled code by <c>NoUnheldScalarsTests</c> in the Clip test project (it sees both assemblies).
/// </summary>
public sealed class HeldScalarsTests
{
    [Fact]
    public void Each_helper_computes_what_the_operator_computes()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { -1.5f, 0f, 2f, 7f });
        var b = torch.tensor(new[] { 4f, 1f, -3f, 0.5f });
        a.Plus(b).data<float>().ToArray().Should().Equal(2.5f, 1f, -1f, 7.5f);
        a.Plus(2.0).data<float>().ToArray().Should().Equal(0.5f, 2f, 4f, 9f);
        a.Times(-2.0).data<float>().ToArray().Should().Equal(3f, -0f, -4f, -14f);
        a.DividedBy(4.0).data<float>().ToArray().Should().Equal(-0.375f, 0f, 0.5f, 1.75f);
        a.SubtractedFrom(1.0).data<float>().ToArray().Should().Equal(2.5f, 1f, -1f, -6f);
        b.Power(2).data<float>().ToArray().Should().Equal(16f, 1f, 9f, 0.25f);
        a.AtLeast(0.5).data<float>().ToArray().Should().Equal(0.5f, 0.5f, 2f, 7f);
        a.GreaterThan(0).data<bool>().ToArray().Should().Equal(false, false, true, true);
        a.clone().ClampInPlace(-1, 3).data<float>().ToArray().Should().Equal(-1f, 0f, 2f, 3f);
        HeldScalars.Range(4, a.device).data<long>().ToArray().Should().Equal(0L, 1L, 2L, 3L);
        var integers = torch.tensor(new long[] { 1, 2 });
        integers.Plus(integers).data<long>().ToArray().Should().Equal(2L, 4L);
    }
}
