using VL2V.Distillation.Training.Swad;

namespace VL2V.Distillation.Tests.Training;

/// <summary>
/// SWAD's LossValley on recorded validation-loss curves. Each segment k is a one-parameter "model" whose weight is
/// k, covering steps 200(k-1)+1 .. 200k, so the final average's weight shows which segments it holds. The expected
/// results were derived by hand by stepping through the reference algorithm (khanrc/swad, swad.py + swa_utils.py).
/// </summary>
public sealed class SwadLossValleyTests
{
    private static WeightAverage Segment(int k)
    {
        var average = WeightAverage.StartFrom([("w", torch.tensor(0f))]);
        average.Update([("w", torch.tensor((float)k))], 200 * (k - 1) + 1);
        average.Update([("w", torch.tensor((float)k))], 200 * k);
        return average;
    }

    private static (WeightAverage Final, SwadLossValley Valley) Run(double[] losses, int nConverge = 3, int nTolerance = 6)
    {
        var valley = new SwadLossValley(nConverge, nTolerance, 0.3);
        for (int k = 1; k <= losses.Length; k++)
        {
            using var segment = Segment(k);
            valley.Update(segment, losses[k - 1]);
        }
        return (valley.Finish(), valley);
    }

    [Fact]
    public void ValleyWithRecovery_AveragesFromTheMinimumUntilTheLossRises()
    {
        using var scope = torch.NewDisposeScope();
        var (final, valley) = Run([1.0, 0.8, 0.6, 0.5, 0.55, 0.52, 0.58, 0.9, 2.0, 2.1]);
        using (final)
        using (valley)
        {
            valley.ConvergeStep.Should().Be(800, "segment 4 is the oldest of [4, 5, 6] and has their lowest loss");
            valley.Threshold!.Value.Should().BeApproximately((0.5 + 0.55 + 0.52) / 3 * 1.3, 1e-12);
            valley.DeadValley.Should().BeFalse();
            // Segment 4 at convergence, again when it leaves the look-back window, then 5, and 6, 7 at the end.
            final.Weights["w"].ToDouble().Should().BeApproximately((4 + 4 + 5 + 6 + 7) / 5.0, 1e-6);
            final.Count.Should().Be(5);
            (final.StartStep, final.EndStep).Should().Be((601, 1400));
        }
    }

    [Fact]
    public void DeadValley_StopsAveraging()
    {
        using var scope = torch.NewDisposeScope();
        var (final, valley) = Run([1.0, 0.5, 0.6, 0.7, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]);
        using (final)
        using (valley)
        {
            valley.ConvergeStep.Should().Be(400);
            valley.DeadValley.Should().BeTrue();
            // Converged at 2 with the look-back window [1, 2, 3, 4]: 3 and 4 join (2's copy is replaced, count was 0);
            // then 2, 3, 4 join as they leave the window; segment 5 onwards all exceed the threshold 0.78.
            final.Weights["w"].ToDouble().Should().BeApproximately((3 + 4 + 2 + 3 + 4) / 5.0, 1e-6);
            final.Count.Should().Be(5);
        }
    }

    [Fact]
    public void NeverConverged_ReturnsTheLastSegment()
    {
        using var scope = torch.NewDisposeScope();
        var (final, valley) = Run([5, 4, 3, 2, 1]);
        using (final)
        using (valley)
        {
            valley.IsConverged.Should().BeFalse();
            final.Weights["w"].ToDouble().Should().Be(5);
        }
    }

    [Fact]
    public void ConvergedAtTheFirstChance_FinishAddsTheRemainingSegments()
    {
        using var scope = torch.NewDisposeScope();
        var (final, valley) = Run([0.5, 0.6, 0.7]);
        using (final)
        using (valley)
        {
            valley.ConvergeStep.Should().Be(200);
            final.Weights["w"].ToDouble().Should().BeApproximately((2 + 3 + 2 + 3) / 4.0, 1e-6);
            final.Count.Should().Be(4);
        }
    }

    [Fact]
    public void WeightAverage_FirstUpdateReplacesInitialWeightsThenAveragesUniformly()
    {
        using var scope = torch.NewDisposeScope();
        using var average = WeightAverage.StartFrom([("a", torch.tensor(new[] { 100f, 100f }))]);
        for (int step = 1; step <= 4; step++) average.Update([("a", torch.tensor(new[] { (float)step, -step }))], step);
        average.Weights["a"].data<float>().ToArray().Should().Equal(2.5f, -2.5f);
        (average.Count, average.StartStep, average.EndStep).Should().Be((4L, 1, 4));
    }

    [Fact]
    public void WeightAverage_CopyToWritesTheAverageIntoAModel()
    {
        using var scope = torch.NewDisposeScope();
        var model = nn.Linear(2, 1);
        using var average = WeightAverage.StartFrom(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        using (torch.no_grad())
        {
            model.weight!.fill_(1);
            average.Update(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 1);
            model.weight!.fill_(3);
            average.Update(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 2);
            model.weight!.fill_(-7);
        }
        average.CopyTo(model);
        model.weight!.data<float>().ToArray().Should().Equal(2f, 2f);
    }
}

public sealed class SwadLossValleyLifetimeTests
{
    [Theory]
    [InlineData(new[] { 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04 })]        // never converges
    [InlineData(new[] { 1.0, 0.5, 0.6, 0.55, 0.52, 0.56, 0.54, 0.53, 0.55, 0.57, 0.56, 0.58 })] // converges, stays in the valley
    [InlineData(new[] { 1.0, 0.5, 0.6, 0.7, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0 })]          // dead valley
    public void LiveTensors_StayBoundedByTheWindows(double[] losses)
    {
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var model = nn.Linear(3, 2);
        var parameters = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        long before = Live();
        var counts = new List<long>();
        using (var valley = new SwadLossValley(3, 6, 0.3))
        {
            foreach (var (loss, k) in losses.Select((l, i) => (l, i)))
            {
                using var segment = WeightAverage.StartFrom(parameters);
                segment.Update(parameters, k);
                valley.Update(segment, loss);
                counts.Add(Live() - before);
            }
            using var final = valley.Finish();
        }
        (Live() - before).Should().Be(0, "disposing the valley frees every copy");
        counts.Max().Should().BeLessThanOrEqualTo(2 * (6 + 1 + 1), "at most the tolerance window, the final average and the caller's segment are alive");
    }
}
