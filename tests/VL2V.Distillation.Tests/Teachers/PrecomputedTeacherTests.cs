using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.Checkpoints;
using static VL2V.Distillation.Tests.Teachers.CacheTestData;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class PrecomputedTeacherTests
{
    private static readonly Tensor NoPixels = torch.zeros([1, 3, 2, 2]);

    private static Tensor Pixels(int count) => torch.zeros([count, 3, 2, 2]);

    /// <summary>A black-box file keyed by: key 0's hash, key 1's path, key 2's augmented view 4.</summary>
    private static (string Path, Tensor Rows, Tensor ClassText) WriteVendorFile(TempFolder folder)
    {
        var rows = Rows(3);
        var classText = Rows(2, seed: 9);
        string path = folder.File("vendor.safetensors");
        PrecomputedTeacher.WriteFile(path, [Key(0).ContentAddress, Key(1).Sample.Path, Key(2, view: 4).ContentAddress], rows, ["dog", "cat"], classText, 50);
        return (path, rows, classText);
    }

    [Fact]
    public void FromFile_ServesRowsByHashPathOrViewAndTheClassText()
    {
        using var folder = new TempFolder();
        var (path, rows, classText) = WriteVendorFile(folder);
        using var teacher = PrecomputedTeacher.FromFile(path);

        var result = teacher.Encode(Pixels(4), [Key(2, view: 4).ToString(), Key(0).ToString(), Key(1).ToString(), Key(0).ContentAddress]);

        BitEqual(result.Image, rows.index_select(0, torch.tensor(new long[] { 2, 0, 1, 0 }))).Should().BeTrue();
        BitEqual(result.ClassText, classText).Should().BeTrue();
        result.LogitScale.Should().Be(50);
        teacher.ClassNames.Should().Equal("dog", "cat");
        teacher.EmbeddingDim.Should().Be(16);
    }

    [Fact]
    public void Encode_MissingKey_ThrowsNamingItAndHowToBuild()
    {
        using var folder = new TempFolder();
        using var teacher = PrecomputedTeacher.FromFile(WriteVendorFile(folder).Path);
        var key = Key(7).ToString();
        var act = () => teacher.Encode(NoPixels, [key]);
        act.Should().Throw<KeyNotFoundException>().WithMessage(
            $"The precomputed teacher has no embedding for sample key '{key}' (looked up: '{Key(7).ContentAddress}', 'd/7.png') in the file '*vendor.safetensors'. " +
            "Build the embeddings for these samples and views with TeacherCacheBuilder.Build*");
    }

    [Fact]
    public void Encode_AugmentedViewOfAnUnaugmentedRow_NeedsTheExplicitFallback()
    {
        using var folder = new TempFolder();
        var (path, rows, _) = WriteVendorFile(folder);
        var view = Key(0, view: 3).ToString();

        using (var strict = PrecomputedTeacher.FromFile(path))
        {
            var act = () => strict.Encode(NoPixels, [view]);
            act.Should().Throw<KeyNotFoundException>().WithMessage("*It is an augmented view*serveUnaugmentedForViews*");
        }
        using var lenient = PrecomputedTeacher.FromFile(path, serveUnaugmentedForViews: true);
        BitEqual(lenient.Encode(NoPixels, [view]).Image, rows[..1]).Should().BeTrue();
    }

    [Fact]
    public void Encode_WithoutKeys_Throws()
    {
        using var folder = new TempFolder();
        using var teacher = PrecomputedTeacher.FromFile(WriteVendorFile(folder).Path);
        var act = () => teacher.Encode(NoPixels);
        act.Should().Throw<ArgumentException>().WithMessage("A precomputed teacher looks embeddings up by sample key, so it needs one key per image: got none for 1 images*");
    }

    [Fact]
    public void FromFile_WithoutKeysMetadata_ThrowsNamingTheFile()
    {
        using var folder = new TempFolder();
        string header = """{"image_embeds":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"class_text":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]},"__metadata__":{"class_names":"[\"dog\"]"}}""";
        string path = folder.Write("bad.safetensors", SafetensorsBytes.Build(header, SafetensorsBytes.Floats(1, 0, 0, 1)));
        var act = () => PrecomputedTeacher.FromFile(path);
        act.Should().Throw<InvalidDataException>().WithMessage(
            $"Teacher embedding file '{path}' is invalid: its '__metadata__' has no 'keys' entry (a JSON array of 1 strings, one per row of image_embeds). See docs/teacher-cache.md*");
    }

    [Fact]
    public void FromFile_KeyCountDiffersFromRows_Throws()
    {
        using var folder = new TempFolder();
        string header = """{"image_embeds":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"class_text":{"dtype":"F32","shape":[1,2],"data_offsets":[16,24]},"__metadata__":{"keys":"[\"a\"]","class_names":"[\"dog\"]"}}""";
        string path = folder.Write("bad.safetensors", SafetensorsBytes.Build(header, SafetensorsBytes.Floats(1, 0, 0, 1, 1, 0)));
        var act = () => PrecomputedTeacher.FromFile(path);
        act.Should().Throw<InvalidDataException>().WithMessage("*metadata 'keys' lists 1 strings but the tensor has 2 rows*");
    }

    [Fact]
    public void FromCache_ServesTheBuiltRowsAndTheTeachersClassText()
    {
        using var folder = new TempFolder();
        var dataset = Dataset(domains: 2, perDomain: 4);
        var items = TeacherCacheItems.AllViews(DomainSplit.LeaveOneOut(dataset.DomainSizes, "domain0").TrainDomains, 2);
        using var fake = new FakeTeacher();
        var transform = new DomainBedAugmentation(new AugmentationOptions { Size = 8 });
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16))
        {
            TeacherCacheBuilder.Build(cache, fake, dataset, transform, items, new TeacherCacheBuildOptions { AugmentationSeed = 1 });
        }

        using var loader = new BatchLoader(dataset, transform, [items], new BatchLoaderOptions { Seed = 1 });
        using var batch = loader.Next()!;
        using var teacher = PrecomputedTeacher.FromCache(folder.Path);
        var result = teacher.Encode(batch.Images, TeacherCacheKey.ForBatch(batch, dataset.DomainSizes, 1));

        BitEqual(result.Image, fake.Expected(batch.Images)).Should().BeTrue();
        BitEqual(result.ClassText, fake.Encode(batch.Images[..1]).ClassText).Should().BeTrue();
        teacher.ClassNames.Should().Equal(fake.ClassNames);
    }

    [Fact]
    public void FromCache_WithoutClassText_ThrowsSayingHowToGetIt()
    {
        using var folder = new TempFolder();
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)) cache.Add(Keys(1), Rows(1));
        var act = () => PrecomputedTeacher.FromCache(folder.Path);
        act.Should().Throw<FileNotFoundException>().WithMessage($"The teacher cache '{folder.Path}' has no class_text.safetensors*TeacherCacheBuilder.Build*");
    }
}
