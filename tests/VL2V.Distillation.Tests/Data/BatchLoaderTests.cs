using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class BatchLoaderTests
{
    private static InMemoryDataset MakeDataset(int domains = 3, int perDomain = 10, int size = 12)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(42);
        return new InMemoryDataset(["p", "q", "r"], Enumerable.Range(0, domains).Select(d => new InMemoryDomain(
            $"domain{d}",
            torch.randint(0, 256, [perDomain, 3, size, size], dtype: ScalarType.Byte, generator: generator),
            torch.arange(perDomain, dtype: ScalarType.Int64) % 3)).ToList());
    }

    private static List<(float[] Images, long[] Labels, long[] Domains, SampleKey[] Keys)> ReadAll(
        IDomainDataset dataset, IEnumerable<IReadOnlyList<SampleRef>> plan, int workers, int prefetch = 2)
    {
        using var loader = new BatchLoader(dataset, new DomainBedAugmentation(new AugmentationOptions { Size = 8 }), plan,
            new BatchLoaderOptions { Workers = workers, Prefetch = prefetch, Seed = 5 });
        var result = new List<(float[], long[], long[], SampleKey[])>();
        foreach (var batch in loader.ReadAll())
        {
            using (batch)
            {
                result.Add((batch.Images.data<float>().ToArray(), batch.Labels.data<long>().ToArray(),
                    batch.Domains.data<long>().ToArray(), batch.Keys.ToArray()));
            }
        }
        return result;
    }

    [Fact]
    public void Next_OrderAndContent_DoNotDependOnTheNumberOfWorkers()
    {
        var dataset = MakeDataset();
        var sampler = new DomainBalancedSampler(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain1"), batchPerDomain: 4, seed: 1);
        var plan = sampler.Batches().Take(6).ToList();

        var one = ReadAll(dataset, plan, workers: 1);
        var three = ReadAll(dataset, plan, workers: 3, prefetch: 4);

        three.Should().HaveCount(6);
        for (int b = 0; b < 6; b++)
        {
            three[b].Images.Should().Equal(one[b].Images);
            three[b].Labels.Should().Equal(one[b].Labels);
            three[b].Keys.Should().Equal(one[b].Keys);
        }
    }

    [Fact]
    public void Next_EachImageIsTheTransformOfItsSampleUnderItsOwnKey()
    {
        var dataset = MakeDataset();
        var plan = new IReadOnlyList<SampleRef>[] { [new(2, 3, 17), new(0, 9, 4)], [new(1, 0, 0)] };
        var transform = new DomainBedAugmentation(new AugmentationOptions { Size = 8 });

        var batches = ReadAll(dataset, plan, workers: 2);

        batches.Should().HaveCount(2);
        var (images, labels, domains, keys) = batches[0];
        images[..192].Should().Equal(transform.Apply(dataset.Load(2, 3).Image, new AugmentationKey(5, 20 + 3, 17)),
            "the sample index is dataset-wide: two domains of 10 come before domain 2");
        images[192..].Should().Equal(transform.Apply(dataset.Load(0, 9).Image, new AugmentationKey(5, 9, 4)));
        labels.Should().Equal(dataset.GetLabel(2, 3), dataset.GetLabel(0, 9));
        domains.Should().Equal(2L, 0L);
        keys.Should().Equal(dataset.Load(2, 3).Key, dataset.Load(0, 9).Key);
    }

    [Fact]
    public void Next_AugmentsPerImage_IdenticalImagesInABatchGetDifferentViews()
    {
        using var scope = torch.NewDisposeScope();
        var same = torch.randint(0, 256, [1, 3, 20, 20], dtype: ScalarType.Byte, generator: new torch.Generator(3)).expand(2, 3, 20, 20);
        var dataset = new InMemoryDataset(["c"], [new InMemoryDomain("d", same, torch.zeros(2, dtype: ScalarType.Int64))]);
        var plan = new IReadOnlyList<SampleRef>[] { [new(0, 0, 0), new(0, 1, 1), new(0, 0, 2)] };

        var images = ReadAll(dataset, plan, workers: 2)[0].Images;

        var views = images.Chunk(192).ToList();
        views[1].Should().NotEqual(views[0]);
        views[2].Should().NotEqual(views[0], "the same sample drawn twice gets two views");
    }

    [Fact]
    public void Next_MakesTensorsOnTheCallingThreadInItsDisposeScope()
    {
        var dataset = MakeDataset();
        using var loader = new BatchLoader(dataset, new EvaluationTransform(8), EvaluationBatches.Create(
            DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain0").Domains[0], SplitPart.In, 4));

        DataBatch inside;
        using (var scope = torch.NewDisposeScope())
        {
            inside = loader.Next()!;
            inside.Images.shape.Should().Equal(4, 3, 8, 8);
            inside.Images.dtype.Should().Be(ScalarType.Float32);
            inside.Labels.dtype.Should().Be(ScalarType.Int64);
        }
        using var outside = loader.Next()!;

        inside.Images.IsInvalid.Should().BeTrue("the consumer's scope owned the tensors");
        outside.Images.IsInvalid.Should().BeFalse();
        outside.Images.sum().item<float>().Should().NotBe(0);
        loader.Next().Should().BeNull("8 in-samples make two batches of 4");
    }

    [Fact]
    public void Loader_NeverRunsMoreThanPrefetchBatchesAhead()
    {
        var dataset = new CountingDataset(MakeDataset());
        var sampler = new DomainBalancedSampler(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain2"), batchPerDomain: 3);
        using var loader = new BatchLoader(dataset, new EvaluationTransform(4), sampler.Batches(),
            new BatchLoaderOptions { Workers = 2, Prefetch = 2 });

        dataset.WaitForLoads(12);          // 2 batches of 6 are prepared, then the workers must stop
        Thread.Sleep(100);
        dataset.Loads.Should().Be(12);
        using (loader.Next()) { }
        dataset.WaitForLoads(18);
        Thread.Sleep(100);
        dataset.Loads.Should().Be(18);
    }

    [Fact]
    public void Cancellation_StopsLoadingAndNextThrows()
    {
        var dataset = new CountingDataset(MakeDataset());
        var sampler = new DomainBalancedSampler(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain2"), batchPerDomain: 3);
        using var cts = new CancellationTokenSource();
        using var loader = new BatchLoader(dataset, new EvaluationTransform(4), sampler.Batches(), null, cts.Token);
        using (loader.Next()) { }

        cts.Cancel();

        var act = () => loader.Next();
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Dispose_StopsTheWorkers()
    {
        var dataset = new CountingDataset(MakeDataset());
        var sampler = new DomainBalancedSampler(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain2"), batchPerDomain: 3);
        var loader = new BatchLoader(dataset, new EvaluationTransform(4), sampler.Batches(), new BatchLoaderOptions { Prefetch = 3 });
        using (loader.Next()) { }

        loader.Dispose();
        int afterDispose = dataset.Loads;
        Thread.Sleep(100);

        dataset.Loads.Should().Be(afterDispose);
        var act = () => loader.Next();
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Next_CorruptImage_ThrowsNamingTheFileThenRefusesToContinue()
    {
        using var folder = new TempImageFolder();
        folder.Add("a/cat/0.png");
        folder.Add("b/cat/0.png");
        var bad = folder.AddBytes("b/cat/1.png", "corrupt corrupt corrupt corrupt corrupt"u8.ToArray());
        var dataset = ImageFolderDataset.Open(folder.Root, new ImageFolderOptions { Validation = ImageValidation.None });
        using var loader = new BatchLoader(dataset, new EvaluationTransform(4), [[new SampleRef(0, 0, 0)], [new SampleRef(1, 0, 0), new SampleRef(1, 1, 0)]]);

        using (loader.Next()) { }
        var act = () => loader.Next();

        act.Should().Throw<InvalidDataException>().WithMessage($"Image '{bad}' cannot be decoded*");
        act.Should().Throw<InvalidOperationException>().WithInnerException<InvalidDataException>();
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var act = () => new BatchLoader(MakeDataset(), new EvaluationTransform(4), [], new BatchLoaderOptions { Workers = 0, Prefetch = -1 });

        act.Should().Throw<ArgumentException>().WithMessage(
            "The 'BatchLoaderOptions' are invalid:" + Environment.NewLine + "- Workers must be ≥ 1 (was 0)." + Environment.NewLine + "- Prefetch must be ≥ 1 (was -1).");
    }

    private sealed class CountingDataset(IDomainDataset inner) : IDomainDataset
    {
        private int _loads;

        public int Loads => Volatile.Read(ref _loads);

        public IReadOnlyList<string> Domains => inner.Domains;

        public IReadOnlyList<string> Classes => inner.Classes;

        public IReadOnlyList<DomainSize> DomainSizes => inner.DomainSizes;

        public long GetLabel(int domain, int index) => inner.GetLabel(domain, index);

        public Sample Load(int domain, int index)
        {
            Interlocked.Increment(ref _loads);
            return inner.Load(domain, index);
        }

        public void WaitForLoads(int count) =>
            SpinWait.SpinUntil(() => Loads >= count, TimeSpan.FromSeconds(20)).Should().BeTrue($"{count} loads should happen");
    }
}
