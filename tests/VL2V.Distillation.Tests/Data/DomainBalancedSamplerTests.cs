using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class DomainBalancedSamplerTests
{
    private static readonly DomainSize[] Sizes = [new("a", 50), new("b", 7), new("c", 30), new("d", 40)];
    private static readonly DomainSplit Split = DomainSplit.LeaveOneOut(Sizes, "c");

    [Fact]
    public void GetBatch_DrawsExactlyBatchPerDomainFromEachSourceInPart()
    {
        var sampler = new DomainBalancedSampler(Split, batchPerDomain: 5, seed: 3);

        var batch = sampler.GetBatch(11);

        sampler.BatchSize.Should().Be(15);
        batch.Select(s => s.Domain).Should().Equal(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3);
        foreach (var s in batch)
            Split.Domains[s.Domain].In.Should().Contain(s.Index, "only the in-part of a source domain trains");
    }

    [Fact]
    public void GetBatch_IsAPureFunctionOfSeedAndStep()
    {
        var a = new DomainBalancedSampler(Split, 8, seed: 1);
        var b = new DomainBalancedSampler(Split, 8, seed: 1);

        b.GetBatch(1234).Should().Equal(a.GetBatch(1234));
        a.Batches(firstStep: 40).Take(3).Should().BeEquivalentTo(new[] { a.GetBatch(40), a.GetBatch(41), a.GetBatch(42) },
            o => o.WithStrictOrdering(), "a run resumed at step 40 sees the same batches");
        a.GetBatch(5).Should().NotEqual(a.GetBatch(6));
        new DomainBalancedSampler(Split, 8, seed: 2).GetBatch(5).Should().NotEqual(a.GetBatch(5));
    }

    [Fact]
    public void GetBatch_GivesEveryDrawItsOwnView()
    {
        var sampler = new DomainBalancedSampler(Split, 4);

        var views = Enumerable.Range(0, 10).SelectMany(step => sampler.GetBatch(step)).Select(s => s.View).ToList();

        views.Should().Equal(Enumerable.Range(0, 120).Select(v => (long)v));
    }

    [Fact]
    public void GetBatch_WithViewsPerSample_CyclesThroughThatManyViews()
    {
        var sampler = new DomainBalancedSampler(Split, 8, seed: 4, viewsPerSample: 3);

        var views = Enumerable.Range(0, 50).SelectMany(step => sampler.GetBatch(step)).Select(s => s.View).ToList();

        views.Distinct().Order().Should().Equal(0L, 1L, 2L);
        new DomainBalancedSampler(Split, 8, seed: 4, viewsPerSample: 3).GetBatch(17).Should().Equal(sampler.GetBatch(17));
        var act = () => new DomainBalancedSampler(Split, 8, viewsPerSample: 0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("viewsPerSample");
    }

    [Fact]
    public void GetBatch_OverManyStepsCoversTheInPartUniformly()
    {
        var sampler = new DomainBalancedSampler(Split, 32, seed: 9);
        var b = Split.Domains[1];   // 7 samples: 6 in, 1 out

        var counts = Enumerable.Range(0, 300).SelectMany(step => sampler.GetBatch(step)).Where(s => s.Domain == 1)
            .GroupBy(s => s.Index).ToDictionary(g => g.Key, g => g.Count());

        counts.Keys.Should().BeEquivalentTo(b.In);
        counts.Values.Should().OnlyContain(c => c > 1400 && c < 1800, "9600 draws over 6 samples is 1600 each");
    }

    [Fact]
    public void EvaluationBatches_CoverThePartInOrderWithASmallerLastBatch()
    {
        var domain = Split.Domains[0];   // 50 samples: 40 in, 10 out

        var batches = EvaluationBatches.Create(domain, SplitPart.In, 16);

        batches.Select(b => b.Count).Should().Equal(16, 16, 8);
        batches.SelectMany(b => b).Select(s => s.Index).Should().Equal(domain.In);
        batches.SelectMany(b => b).Should().OnlyContain(s => s.Domain == 0 && s.View == 0);
        EvaluationBatches.Create(domain, SplitPart.Out, 128).Single().Select(s => s.Index).Should().Equal(domain.Out);
    }
}
