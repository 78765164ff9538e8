using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.Checkpoints;
using static VL2V.Distillation.Tests.Teachers.CacheTestData;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class CachingTeacherTests
{
    private static Tensor Images(int count, int seed) => torch.rand([count, 3, 8, 8], generator: new torch.Generator((ulong)seed));

    private static List<string> KeyStrings(int first, int count) => Keys(count, first).Select(k => k.ToString()).ToList();

    [Fact]
    public void Encode_CallsTheInnerTeacherOnlyForMissingKeysAndReturnsItsRows()
    {
        using var folder = new TempFolder();
        var inner = new FakeTeacher();
        using var reference = new FakeTeacher();
        using var teacher = new CachingTeacher(inner, TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        using var images = Images(6, seed: 1);

        using (torch.NewDisposeScope())
        {
            var first = teacher.Encode(images[..4], KeyStrings(0, 4));
            inner.ImagesEncoded.Should().Be(4);
            BitEqual(first.Image, reference.Encode(images[..4]).Image).Should().BeTrue();

            // Keys 2, 3 are cached; 4, 5 are new.
            var second = teacher.Encode(images[2..6], KeyStrings(2, 4));
            inner.Calls.Should().Be(2);
            inner.ImagesEncoded.Should().Be(6, "only the two missing images are encoded");
            inner.KeysSeen.Should().Equal(KeyStrings(0, 6));
            BitEqual(second.Image, reference.Encode(images[2..6]).Image).Should().BeTrue();
            BitEqual(second.ClassText, reference.Encode(images[..1]).ClassText).Should().BeTrue();
            teacher.ClassNames.Should().Equal(inner.ClassNames);
        }
    }

    [Fact]
    public void Encode_DuplicateMissingKeysInABatch_AreEncodedOnce()
    {
        using var folder = new TempFolder();
        var inner = new FakeTeacher();
        using var teacher = new CachingTeacher(inner, TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        using var images = Images(1, seed: 2).expand(3, -1, -1, -1).contiguous();
        var key = Key(9, view: 1).ToString();

        using (torch.NewDisposeScope())
        {
            var result = teacher.Encode(images, [key, key, key]);
            inner.ImagesEncoded.Should().Be(1);
            BitEqual(result.Image[0], result.Image[2]).Should().BeTrue();
        }
    }

    [Fact]
    public void Encode_WarmCacheInANewProcess_EncodesOneImageForTheClassTextThenNothing()
    {
        using var folder = new TempFolder();
        using var images = Images(5, seed: 3);
        using var reference = new FakeTeacher();
        using (var filling = new CachingTeacher(new FakeTeacher(), TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)))
        using (torch.NewDisposeScope())
        {
            filling.Encode(images, KeyStrings(0, 5));
        }

        var inner = new FakeTeacher();
        using var teacher = new CachingTeacher(inner, TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        teacher.Cache.Count.Should().Be(5, "disposing the first teacher wrote its rows");
        using (torch.NewDisposeScope())
        {
            var first = teacher.Encode(images, KeyStrings(0, 5));
            var second = teacher.Encode(images, KeyStrings(0, 5));
            inner.ImagesEncoded.Should().Be(1);
            BitEqual(first.Image, reference.Encode(images).Image).Should().BeTrue();
            BitEqual(second.Image, first.Image).Should().BeTrue();
        }
    }

    [Fact]
    public void Encode_CacheOfAnotherTeacherUnderTheSameFingerprint_Throws()
    {
        using var folder = new TempFolder();
        using var images = Images(2, seed: 4);
        using (var filling = new CachingTeacher(new FakeTeacher(seed: 1), TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)))
        using (torch.NewDisposeScope())
        {
            filling.Encode(images, KeyStrings(0, 2));
        }

        using var teacher = new CachingTeacher(new FakeTeacher(seed: 2), TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        var act = () => teacher.Encode(images, KeyStrings(0, 2));
        act.Should().Throw<InvalidOperationException>().WithMessage($"The teacher cache '{folder.Path}' does not match the teacher*fingerprint*must change*");
    }

    [Fact]
    public void Encode_WithoutKeys_BypassesTheCache()
    {
        using var folder = new TempFolder();
        var inner = new FakeTeacher();
        using var teacher = new CachingTeacher(inner, TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        using var images = Images(2, seed: 5);
        using (torch.NewDisposeScope())
        {
            teacher.Encode(images);
            teacher.Encode(images);
        }
        inner.ImagesEncoded.Should().Be(4);
        teacher.Cache.Count.Should().Be(0);
    }

    [Fact]
    public void Encode_BadKeys_ThrowNamingTheKey()
    {
        using var folder = new TempFolder();
        using var teacher = new CachingTeacher(new FakeTeacher(), TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16));
        using var images = Images(2, seed: 6);

        var wrongCount = () => teacher.Encode(images, KeyStrings(0, 1));
        wrongCount.Should().Throw<ArgumentException>().WithMessage("1 sample keys were given for 2 images*");
        var notAKey = () => teacher.Encode(images, [KeyStrings(0, 1)[0], "sketch/dog/1.png"]);
        notAKey.Should().Throw<ArgumentException>().WithMessage("Sample key 1 ('sketch/dog/1.png') is not a teacher cache key*TeacherCacheKey.ForBatch*");
    }

    [Fact]
    public void Create_TeacherAndCacheSizesDiffer_Throws()
    {
        using var folder = new TempFolder();
        using var inner = new FakeTeacher(dim: 8);
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        var act = () => new CachingTeacher(inner, cache);
        act.Should().Throw<ArgumentException>().WithMessage("The teacher's embeddings have D = 8 but the cache * holds D = 16*");
    }
}
