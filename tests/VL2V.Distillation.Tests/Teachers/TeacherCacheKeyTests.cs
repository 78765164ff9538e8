using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class TeacherCacheKeyTests
{
    private static readonly string Sha = new string('a', 62) + "0f";

    [Fact]
    public void ToStringAndParse_RoundTrip_EvenWithAtAndHashInThePath()
    {
        var plain = TeacherCacheKey.Unaugmented(new SampleKey("odd@name#1/x.png", Sha));
        var view = TeacherCacheKey.Augmented(new SampleKey("odd@name#1/x.png", Sha), new AugmentationKey(-4, 1234, 7));

        plain.ToString().Should().Be($"odd@name#1/x.png@{Sha}");
        view.ToString().Should().Be($"odd@name#1/x.png@{Sha}#-4:1234:7");
        TeacherCacheKey.Parse(plain.ToString()).Should().Be(plain);
        TeacherCacheKey.Parse(view.ToString()).Should().Be(view);
    }

    [Fact]
    public void ContentAddress_LeavesOutThePath()
    {
        var a = TeacherCacheKey.Augmented(new SampleKey("a.png", Sha), new AugmentationKey(0, 5, 2));
        var b = TeacherCacheKey.Augmented(new SampleKey("copy/b.png", Sha), new AugmentationKey(0, 5, 2));
        a.ContentAddress.Should().Be($"{Sha}#0:5:2").And.Be(b.ContentAddress);
        TeacherCacheKey.Unaugmented(new SampleKey("a.png", Sha)).ContentAddress.Should().Be(Sha);
    }

    [Theory]
    [InlineData("x.png@ABC")]
    [InlineData("x.png")]
    [InlineData("x.png@0123#1:2")]
    public void Parse_NotAKey_ThrowsWithTheExpectedForm(string text)
    {
        var act = () => TeacherCacheKey.Parse(text);
        act.Should().Throw<FormatException>().WithMessage($"'{text}' is not a teacher cache key. Expected 'path@sha256' or 'path@sha256#seed:sample:view'*");
    }

    [Fact]
    public void Create_UppercaseHash_Throws()
    {
        var act = () => TeacherCacheKey.Unaugmented(new SampleKey("x.png", Sha.ToUpperInvariant()));
        act.Should().Throw<ArgumentException>().WithMessage("*needs the lowercase hex SHA-256*");
    }

    [Fact]
    public void ForBatch_UsesTheDatasetWideIndexAndTheLoaderSeed()
    {
        var dataset = CacheTestData.Dataset();
        var plan = new IReadOnlyList<SampleRef>[] { [new(2, 3, 17), new(0, 1, 4)] };
        using var loader = new BatchLoader(dataset, new EvaluationTransform(8), plan);
        using var batch = loader.Next()!;

        var augmented = TeacherCacheKey.ForBatch(batch, dataset.DomainSizes, augmentationSeed: 9);
        var plain = TeacherCacheKey.ForBatch(batch, dataset.DomainSizes, augmentationSeed: null);

        augmented.Should().Equal($"{batch.Keys[0]}#9:15:17", $"{batch.Keys[1]}#9:1:4"); // domain 2 starts at 2 × 6 = 12
        plain.Should().Equal(batch.Keys[0].ToString(), batch.Keys[1].ToString());
    }
}
