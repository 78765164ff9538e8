using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;

namespace VL2V.Distillation.Tests.Teachers;

/// <summary>
/// A teacher whose image embedding is a fixed random projection of the pixels, computed image by image (so a row does
/// not depend on the rest of the batch), counting its calls and images. Optionally fails after a number of calls.
/// </summary>
internal sealed class FakeTeacher : ITeacher
{
    private readonly Tensor _projection;
    private readonly Tensor _classText;

    public FakeTeacher(int seed = 1, int imageSize = 8, long dim = 16, IReadOnlyList<string>? classNames = null)
    {
        var generator = new torch.Generator((ulong)seed);
        ClassNames = classNames ?? ["dog", "cat", "horse"];
        _projection = torch.randn([3L * imageSize * imageSize, dim], generator: generator);
        _classText = nn.functional.normalize(torch.randn([ClassNames.Count, dim], generator: generator), dim: 1);
    }

    public long EmbeddingDim => _projection.shape[1];

    public IReadOnlyList<string> ClassNames { get; }

    public int Calls { get; private set; }

    public int ImagesEncoded { get; private set; }

    public List<string> KeysSeen { get; } = [];

    /// <summary>Throws an IOException on the call after this many successful ones (a simulated crash).</summary>
    public int? FailAfterCalls { get; set; }

    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        if (FailAfterCalls is { } n && Calls >= n) throw new IOException("simulated teacher crash");
        Calls++;
        ImagesEncoded += (int)images.shape[0];
        if (sampleKeys is not null) KeysSeen.AddRange(sampleKeys);
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(0, (int)images.shape[0])
            .Select(i => images[i].reshape(1, -1).cpu().matmul(_projection))
            .ToList();
        var image = rows.Count == 0 ? torch.empty([0, EmbeddingDim]) : nn.functional.normalize(torch.cat(rows, 0), dim: 1);
        return new TeacherEmbeddings(image.MoveToOuterDisposeScope(), _classText);
    }

    /// <summary>The embeddings this teacher gives, image by image, without counting.</summary>
    public Tensor Expected(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(0, (int)images.shape[0]).Select(i => images[i].reshape(1, -1).matmul(_projection)).ToList();
        return nn.functional.normalize(torch.cat(rows, 0), dim: 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _projection.Dispose();
        _classText.Dispose();
    }
}

/// <summary>Small datasets, keys and rows for the cache tests.</summary>
internal static class CacheTestData
{
    public const string Fingerprint = "fake-teacher-seed1-size8";

    public static InMemoryDataset Dataset(int domains = 3, int perDomain = 6, int size = 10)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(7);
        return new InMemoryDataset(["dog", "cat", "horse"], Enumerable.Range(0, domains).Select(d => new InMemoryDomain(
            $"domain{d}",
            torch.randint(0, 256, [perDomain, 3, size, size], dtype: ScalarType.Byte, generator: generator),
            torch.arange(perDomain, dtype: ScalarType.Int64) % 3)).ToList());
    }

    public static TeacherCacheKey Key(int i, long? view = null)
    {
        string sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant();
        var sample = new SampleKey($"d/{i}.png", sha);
        return view is { } v ? TeacherCacheKey.Augmented(sample, new AugmentationKey(3, i, v)) : TeacherCacheKey.Unaugmented(sample);
    }

    public static List<TeacherCacheKey> Keys(int count, int first = 0) => Enumerable.Range(first, count).Select(i => Key(i)).ToList();

    public static Tensor Rows(int count, long dim = 16, int seed = 3) =>
        nn.functional.normalize(torch.randn([count, dim], generator: new torch.Generator((ulong)seed)), dim: 1);

    public static bool BitEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.contiguous().bytes.ToArray().SequenceEqual(b.contiguous().bytes.ToArray());

    public static string[] ShardFiles(string folder) =>
        Directory.GetFiles(folder, "*.safetensors").Where(f => !f.EndsWith("class_text.safetensors", StringComparison.Ordinal)).Order().ToArray();
}
