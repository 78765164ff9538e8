using VL2V.Distillation.Clip.Embedded;
using VL2V.Distillation.Data.Synthetic;
using Xunit.Abstractions;

namespace VL2V.Distillation.Clip.Tests.Embedded;

/// <summary>Trains one tiny teacher into a temporary cache for all tests of the class.</summary>
public sealed class EmbeddedTeacherFixture : IDisposable
{
    public EmbeddedTeacherFixture()
    {
        CacheDirectory = Path.Combine(Path.GetTempPath(), $"vl2v-teacher-{Guid.NewGuid():N}");
        Teacher = EmbeddedTeacher.GetOrTrain(CacheDirectory, Data, Budget);
    }

    public static SynthDGOptions Data { get; } = new() { Seed = 4, ImageSize = 32, SamplesPerDomain = 100, Domains = SynthDG.AllDomains };

    public static EmbeddedTeacherBudget Budget { get; } = new() { Name = "test", Steps = 50, BatchSize = 32 };

    public string CacheDirectory { get; }

    public EmbeddedTeacher Teacher { get; }

    public void Dispose()
    {
        Teacher.Dispose();
        if (Directory.Exists(CacheDirectory)) Directory.Delete(CacheDirectory, recursive: true);
    }
}

public sealed class EmbeddedTeacherTests(EmbeddedTeacherFixture fixture, ITestOutputHelper output) : IClassFixture<EmbeddedTeacherFixture>
{
    private EmbeddedTeacher Teacher => fixture.Teacher;

    [Fact]
    public void Pretraining_IsReproducible_AndLeavesTheGlobalRandomStreamAlone()
    {
        var budget = new EmbeddedTeacherBudget { Name = "repro", Steps = 6, BatchSize = 16 };
        torch.manual_seed(123);
        using var expectedNext = torch.rand(3);
        torch.manual_seed(123);
        using var first = EmbeddedTeacher.Train(EmbeddedTeacherFixture.Data, budget);
        using var next = torch.rand(3);
        next.equal(expectedNext).all().item<bool>().Should().BeTrue("pretraining must not consume or reseed the caller's random stream");
        torch.manual_seed(999);                                   // another global state must not change the teacher
        using var second = EmbeddedTeacher.Train(EmbeddedTeacherFixture.Data, budget);
        var a = first.Model.state_dict();
        var b = second.Model.state_dict();
        foreach (var (name, value) in a)
        {
            value.equal(b[name]).all().item<bool>().Should().BeTrue($"{name} must be bit-identical after the same budget");
        }
    }

    [Fact]
    public void ShortPretraining_LowersTheContrastiveLoss()
    {
        var info = Teacher.Info;
        output.WriteLine($"loss {info.InitialLoss:F3} -> {info.FinalLoss:F3} in {info.TrainingSeconds:F1} s; logit scale {Teacher.LogitScale:F2}");
        info.LoadedFromCache.Should().BeFalse();
        info.InitialLoss.Should().BeGreaterThan(Math.Log(EmbeddedTeacherFixture.Budget.BatchSize) - 0.5, "an untrained CLIP is near chance, ln B");
        info.FinalLoss.Should().BeLessThan(info.InitialLoss - 0.25);
    }

    [Fact]
    public void ShortPretraining_ZeroShotStyleRecognition_IsFarAboveChance()
    {
        // 50 steps are far too few for the class (docs/synthdg.md has the class zero-shot of the real budgets), but the
        // style is learned within tens of steps: each batch holds two styles, so telling them apart is the first thing
        // that lowers the loss. Prompt "{style} of a {c}" averaged over the classes → one text embedding per style.
        using var scope = torch.NewDisposeScope();
        var domains = SynthDG.AllDomains;
        var styleText = torch.stack(domains.Select(d => nn.functional.normalize(
            Teacher.EncodeText(Enumerable.Range(0, 10).Select(c => SynthDG.Caption(d, c, null)).ToList()).mean([0]), dim: -1)).ToList());
        int correct = 0, total = 0;
        for (int d = 0; d < domains.Count; d++)
        {
            var predicted = Teacher.Encode(Batch(domains[d], 30)).Image.matmul(styleText.t()).argmax(1).data<long>().ToArray();
            correct += predicted.Count(p => p == d);
            total += predicted.Length;
        }
        double accuracy = (double)correct / total;
        output.WriteLine($"zero-shot style accuracy {accuracy:F3} over {total} images (chance {1.0 / domains.Count:F3})");
        accuracy.Should().BeGreaterThan(0.35, "chance is 1/7 ≈ 0.14");
    }

    [Fact]
    public void GetOrTrain_SecondCall_LoadsTheCacheWithIdenticalEmbeddings()
    {
        Directory.GetFiles(fixture.CacheDirectory).Select(Path.GetFileName).Should().BeEquivalentTo(
            [$"synthdg-teacher-{Teacher.Info.CacheKey}.safetensors", $"synthdg-teacher-{Teacher.Info.CacheKey}.json"],
            "weights and metadata are written under temporary names and renamed");

        using var again = EmbeddedTeacher.GetOrTrain(fixture.CacheDirectory, EmbeddedTeacherFixture.Data, EmbeddedTeacherFixture.Budget);
        again.Info.LoadedFromCache.Should().BeTrue("the same seed, size, model and budget must not retrain");
        again.Info.CacheKey.Should().Be(Teacher.Info.CacheKey);
        again.Info.FinalLoss.Should().Be(Teacher.Info.FinalLoss);
        again.LogitScale.Should().Be(Teacher.LogitScale);

        using var scope = torch.NewDisposeScope();
        var images = Batch(SynthDomain.Cartoon, 8);
        var before = Teacher.Encode(images);
        var after = again.Encode(images);
        after.Image.data<float>().ToArray().Should().Equal(before.Image.data<float>().ToArray());
        after.ClassText.data<float>().ToArray().Should().Equal(before.ClassText.data<float>().ToArray());

        using var loaded = EmbeddedTeacher.Load(Path.ChangeExtension(Teacher.Info.WeightsPath!, ".json"));
        loaded.Encode(images).Image.data<float>().ToArray().Should().Equal(before.Image.data<float>().ToArray());
    }

    [Fact]
    public void Encode_ReturnsUnitNormEmbeddingsAndPoolsLargerImages()
    {
        using var scope = torch.NewDisposeScope();
        var images = Batch(SynthDomain.Photo, 6);
        var embeddings = Teacher.Encode(images);
        embeddings.Image.shape.Should().Equal(6, 64);
        embeddings.ClassText.shape.Should().Equal(10, 64);
        embeddings.Image.requires_grad.Should().BeFalse();
        embeddings.Image.norm(1).data<float>().ToArray().Should().AllSatisfy(n => n.Should().BeApproximately(1f, 1e-5f));
        embeddings.ClassText.norm(1).data<float>().ToArray().Should().AllSatisfy(n => n.Should().BeApproximately(1f, 1e-5f));
        embeddings.LogitScale.Should().Be(Teacher.LogitScale);

        var doubled = images.repeat_interleave(2, 2).repeat_interleave(2, 3);      // [6,3,64,64], each pixel 2×2
        var pooled = Teacher.Encode(doubled).Image;
        pooled.allclose(embeddings.Image, rtol: 1e-4, atol: 1e-5).Should().BeTrue("a 64-px image is average-pooled to the 32-px input");

        var wrong = () => Teacher.Encode(torch.zeros(3, 32, 32));
        wrong.Should().Throw<ArgumentException>().WithMessage("*images*");
    }

    [Fact]
    public void Load_NotTeacherMetadata_ThrowsNamingTheFile()
    {
        var path = Path.Combine(fixture.CacheDirectory, "other.json");
        File.WriteAllText(path, "{\"Format\": \"something-else\"}");
        try
        {
            var act = () => EmbeddedTeacher.Load(path);
            act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*vl2v-synthdg-teacher/1*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Tensor Batch(SynthDomain domain, int count)
    {
        var pixels = Enumerable.Range(0, count).Select(i => SynthDG.Render(9, domain, i, 32).Image.ToTensor()).ToList();
        return EmbeddedTeacher.Preprocess(torch.stack(pixels));
    }
}
