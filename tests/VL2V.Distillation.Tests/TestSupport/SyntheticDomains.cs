using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.TestSupport;

/// <summary>
/// A tiny multi-domain dataset (DomainBed's "Debug" idea): each class is a coloured square at a class-specific
/// place, each domain changes the background and contrast, so classes stay separable while domains shift.
/// </summary>
internal static class SyntheticDomains
{
    public static readonly string[] ClassNames = ["red square", "green square", "blue square"];

    public static InMemoryDataset Create(int domains = 4, int perClass = 12, int size = 16, int seed = 0)
    {
        var rng = new Random(seed);
        var list = new List<InMemoryDomain>();
        for (int d = 0; d < domains; d++)
        {
            int n = perClass * ClassNames.Length;
            var pixels = new byte[n * 3 * size * size];
            var labels = new long[n];
            for (int i = 0; i < n; i++)
            {
                int c = i % ClassNames.Length;
                labels[i] = c;
                int background = 40 * d + rng.Next(20);
                int x0 = 2 + 3 * c + rng.Next(2), y0 = 2 + rng.Next(6);
                for (int ch = 0; ch < 3; ch++)
                for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    bool inSquare = x >= x0 && x < x0 + 6 && y >= y0 && y < y0 + 6;
                    int v = inSquare ? (ch == c ? 230 : 30) : background + rng.Next(10);
                    pixels[((i * 3 + ch) * size + y) * size + x] = (byte)Math.Clamp(d == domains - 1 && !inSquare ? 255 - v : v, 0, 255);
                }
            }
            list.Add(new InMemoryDomain($"domain{d}", torch.tensor(pixels, [n, 3, size, size], ScalarType.Byte), torch.tensor(labels)));
        }
        return new InMemoryDataset(ClassNames, list);
    }
}

/// <summary>
/// A frozen stand-in teacher: a fixed random linear map of the pixels, normalised; class text embeddings are the
/// normalised mean embedding of each class's (un-augmented) images, so its zero-shot classifier is meaningful.
/// </summary>
internal sealed class FakeTeacher : ITeacher
{
    private readonly Tensor _projection;
    private readonly Tensor _classText;

    public FakeTeacher(IDomainDataset dataset, int size = 16, int dim = 8, ulong seed = 11)
    {
        _projection = torch.randn(3 * size * size, dim, generator: new torch.Generator(seed)).DetachFromDisposeScope();
        ClassNames = dataset.Classes;
        var transform = new EvaluationTransform(size);
        var sums = torch.zeros(dataset.Classes.Count, dim);
        for (int d = 0; d < dataset.Domains.Count; d++)
        for (int i = 0; i < dataset.DomainSizes[d].Count; i++)
        {
            var sample = dataset.Load(d, i);
            using var image = torch.tensor(transform.Apply(sample.Image, new AugmentationKey(0, 0, 0)), [1, 3, size, size]);
            using var e = Embed(image);
            sums[sample.Label].add_(e[0]);
        }
        _classText = nn.functional.normalize(sums, dim: 1).DetachFromDisposeScope();
    }

    public int EncodeCalls { get; private set; }

    public long EmbeddingDim => _projection.shape[1];

    public IReadOnlyList<string> ClassNames { get; }

    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        EncodeCalls++;
        return new TeacherEmbeddings(Embed(images), _classText);
    }

    private Tensor Embed(Tensor images) => nn.functional.normalize(images.flatten(1).matmul(_projection), dim: 1);

    public void Dispose()
    {
        _projection.Dispose();
        _classText.Dispose();
    }
}
