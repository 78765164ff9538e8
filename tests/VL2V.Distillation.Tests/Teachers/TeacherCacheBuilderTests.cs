using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.Checkpoints;
using static VL2V.Distillation.Tests.Teachers.CacheTestData;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class TeacherCacheBuilderTests
{
    private const long Seed = 5;
    private static readonly AugmentationOptions Augmentation = new() { Size = 8 };
    private static readonly TeacherCacheOptions SmallShards = new() { ShardRows = 8 };

    private static TeacherCacheBuildOptions Options(int index = 0, int count = 1) =>
        new() { ShardIndex = index, ShardCount = count, BatchSize = 5, AugmentationSeed = Seed, Workers = 2 };

    /// <summary>Every item's image as the trainer's loader makes it, with its cache key.</summary>
    private static (Tensor Images, List<TeacherCacheKey> Keys) Load(IDomainDataset dataset, IReadOnlyList<SampleRef> items)
    {
        using var loader = new BatchLoader(dataset, new DomainBedAugmentation(Augmentation), [items], new BatchLoaderOptions { Seed = Seed });
        var batch = loader.Next()!;
        return (batch.Images, TeacherCacheKey.KeysOf(batch, dataset.DomainSizes, Seed).ToList());
    }

    [Fact]
    public void Build_FillsEveryItemWithTheTeachersEmbeddingOfTheAugmentedView()
    {
        using var folder = new TempFolder();
        var dataset = Dataset();
        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain2");
        var items = TeacherCacheItems.AllViews(split.TrainDomains, viewsPerSample: 2);
        using var teacher = new FakeTeacher();
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards);
        var reports = new List<TeacherCacheBuildProgress>();

        var result = TeacherCacheBuilder.Build(cache, teacher, dataset, new DomainBedAugmentation(Augmentation), items, Options(),
            new SynchronousProgress<TeacherCacheBuildProgress>(reports.Add));

        int expected = (split.TrainDomains[0].In.Count + split.TrainDomains[1].In.Count) * 2;
        result.Should().Be(new TeacherCacheBuildProgress(expected, expected, expected, 0, (expected + 4) / 5, (expected + 7) / 8));
        reports.Should().HaveCount((expected + 4) / 5).And.EndWith(result with { ShardFilesWritten = reports[^1].ShardFilesWritten });
        teacher.ImagesEncoded.Should().Be(expected);
        var (images, keys) = Load(dataset, items);
        using var read = cache.Read(keys);
        using var online = teacher.Expected(images);
        BitEqual(read, online).Should().BeTrue("a cached row is the teacher's output for exactly the view the trainer's loader makes");
        File.Exists(Path.Combine(folder.Path, "class_text.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void Build_AfterACrash_KeepsCompletedShardsIgnoresTemporaryFilesAndComputesOnlyTheRest()
    {
        using var folder = new TempFolder();
        var dataset = Dataset();
        var items = TeacherCacheItems.AllViews(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain0").TrainDomains, 2); // 20 items
        var transform = new DomainBedAugmentation(Augmentation);
        using (var crashing = new FakeTeacher { FailAfterCalls = 3 })
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards))
        {
            var act = () => TeacherCacheBuilder.Build(cache, crashing, dataset, transform, items, Options());
            act.Should().Throw<IOException>().WithMessage("simulated teacher crash");
            cache.ShardFiles.Should().Be(2, "15 rows were computed: one full shard of 8, and the 7 in memory written when Build failed");
        }
        // Simulate a killed process instead: the second file never appeared, a half-written temporary file did.
        var shards = ShardFiles(folder.Path);
        shards.Should().HaveCount(2);
        File.Delete(shards[1]);
        string temp = folder.Write("part000of001-00001.safetensors.deadbeef.tmp", new byte[100]);

        using var teacher = new FakeTeacher();
        using var resumed = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards);
        resumed.Count.Should().Be(8);
        var result = TeacherCacheBuilder.Build(resumed, teacher, dataset, transform, items, Options());

        result.AlreadyCached.Should().Be(8);
        result.Computed.Should().Be(12);
        teacher.ImagesEncoded.Should().Be(12);
        File.Exists(temp).Should().BeFalse("this part's stale temporary files are removed");
        var (images, keys) = Load(dataset, items);
        using var read = resumed.Read(keys);
        BitEqual(read, teacher.Expected(images)).Should().BeTrue();

        var again = TeacherCacheBuilder.Build(resumed, teacher, dataset, transform, items, Options());
        again.Computed.Should().Be(0);
        teacher.Calls.Should().Be(3, "a complete cache needs no teacher call");
    }

    [Fact]
    public void Build_TwoPartsFillOneFolderWithoutOverlap_ReadAsOneCache()
    {
        using var folder = new TempFolder();
        var dataset = Dataset();
        var items = TeacherCacheItems.AllViews(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain1").Domains, 3);
        var transform = new DomainBedAugmentation(Augmentation);
        using var teacher0 = new FakeTeacher();
        using var teacher1 = new FakeTeacher();

        TeacherCacheBuildProgress part0, part1;
        using (var cache0 = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards))
        using (var cache1 = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards))
        {
            part0 = TeacherCacheBuilder.Build(cache0, teacher0, dataset, transform, items, Options(0, 2));
            part1 = TeacherCacheBuilder.Build(cache1, teacher1, dataset, transform, items.Reverse(), Options(1, 2));
        }

        part0.Total.Should().BeGreaterThan(0);
        part1.Total.Should().BeGreaterThan(0);
        (part0.Total + part1.Total).Should().Be(items.Count);
        (part0.Computed + part1.Computed).Should().Be(items.Count, "no item is computed by both parts");
        teacher0.KeysSeen.Intersect(teacher1.KeysSeen).Should().BeEmpty();
        ShardFiles(folder.Path).Select(Path.GetFileName).Should().OnlyContain(n => n!.StartsWith("part000of002-") || n.StartsWith("part001of002-"));

        using var merged = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        merged.Count.Should().Be(items.Count);
        var (images, keys) = Load(dataset, items);
        using var read = merged.Read(keys);
        BitEqual(read, teacher0.Expected(images)).Should().BeTrue();
    }

    [Fact]
    public void Build_Cancelled_WritesTheRowsComputedSoFar()
    {
        using var folder = new TempFolder();
        var dataset = Dataset();
        var items = TeacherCacheItems.AllViews(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain0").TrainDomains, 1);
        using var teacher = new FakeTeacher();
        using var cts = new CancellationTokenSource();
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16))
        {
            var act = () => TeacherCacheBuilder.Build(cache, teacher, dataset, new DomainBedAugmentation(Augmentation), items, Options(),
                new SynchronousProgress<TeacherCacheBuildProgress>(_ => cts.Cancel()), cts.Token);
            act.Should().Throw<OperationCanceledException>();
            cache.PendingCount.Should().Be(0);
        }
        using var reopened = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        reopened.Count.Should().Be(teacher.ImagesEncoded).And.BeGreaterThan(0);
    }

    [Fact]
    public void Build_WithoutAugmentation_KeysAreTheImagesAndViewsCollapse()
    {
        using var folder = new TempFolder();
        var dataset = Dataset(domains: 2, perDomain: 4);
        var items = TeacherCacheItems.AllViews(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain0").Domains, 3);
        using var teacher = new FakeTeacher();
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);

        var result = TeacherCacheBuilder.Build(cache, teacher, dataset, new EvaluationTransform(8), items, Options() with { AugmentationSeed = null });

        int inParts = items.Count / 3;
        result.Total.Should().Be(inParts);
        cache.Count.Should().Be(inParts);
        teacher.KeysSeen.Should().OnlyContain(k => !k.Contains('#'));
    }

    [Fact]
    public void Build_TeacherOfAnotherSize_Throws()
    {
        using var folder = new TempFolder();
        using var teacher = new FakeTeacher(dim: 8);
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        var act = () => TeacherCacheBuilder.Build(cache, teacher, Dataset(), new EvaluationTransform(8), [], Options());
        act.Should().Throw<ArgumentException>().WithMessage("The teacher's embeddings have D = 8 but the cache * holds D = 16*");
    }

    [Fact]
    public void BuildOptions_Invalid_ListsEveryProblem()
    {
        using var folder = new TempFolder();
        using var teacher = new FakeTeacher();
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        var act = () => TeacherCacheBuilder.Build(cache, teacher, Dataset(), new EvaluationTransform(8), [],
            new TeacherCacheBuildOptions { ShardIndex = 2, ShardCount = 2, BatchSize = 0 });
        act.Should().Throw<ArgumentException>().WithMessage(
            "The 'TeacherCacheBuildOptions' are invalid:" + Environment.NewLine +
            "- ShardIndex must be in [0, ShardCount = 2) (was 2)." + Environment.NewLine +
            "- BatchSize must be ≥ 1 (was 0).");
    }

    [Fact]
    public void Items_AllViewsCoverEveryDrawOfTheSampler()
    {
        var dataset = Dataset();
        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain1");
        var sampler = new DomainBalancedSampler(split, batchPerDomain: 4, seed: 3, viewsPerSample: 3);

        var all = TeacherCacheItems.AllViews(split.TrainDomains, 3);
        var drawn = TeacherCacheItems.Drawn(sampler, steps: 50);

        all.Should().HaveCount(split.TrainDomains.Sum(d => d.In.Count) * 3).And.OnlyHaveUniqueItems();
        drawn.Should().OnlyHaveUniqueItems().And.BeSubsetOf(all);
        Enumerable.Range(0, 50).SelectMany(s => sampler.GetBatch(s)).Distinct().Should().BeEquivalentTo(drawn);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
