using VL2V.Distillation.Losses;

namespace VL2V.Distillation.Tests.TestSupport;

/// <summary>A small random batch for a student and a teacher (B=6, D=8, C=5), seeded.</summary>
internal sealed class SyntheticBatch
{
    public SyntheticBatch(long seed = 7, int batch = 6, int dim = 8, int classes = 5)
    {
        var g = new torch.Generator((ulong)seed);
        Embedding = torch.randn(batch, dim, generator: g).requires_grad_(true);
        Logits = torch.randn(batch, classes, generator: g).requires_grad_(true);
        Labels = torch.randint(classes, [batch], generator: g);
        TeacherImage = nn.functional.normalize(torch.randn(batch, dim, generator: g), dim: 1).requires_grad_(true);
        ClassText = nn.functional.normalize(torch.randn(classes, dim, generator: g), dim: 1).requires_grad_(true);
    }

    public Tensor Embedding { get; }
    public Tensor Logits { get; }
    public Tensor Labels { get; }
    public Tensor TeacherImage { get; }
    public Tensor ClassText { get; }

    public StudentOutput Student => new(Embedding, Logits);
    public TeacherEmbeddings Teacher => new(TeacherImage, ClassText);

    /// <summary>Every IDistillationLoss of the library, each with non-default settings where that matters.</summary>
    public static TheoryData<string> LossNames() => new() { "adip", "ce", "kd", "feature-l2", "feature-cosine", "rkd", "composite" };

    public static IDistillationLoss Create(string name) => name switch
    {
        "adip" => new AdipLoss(0.5),
        "ce" => new CrossEntropyLoss(0.1),
        "kd" => new KnowledgeDistillationLoss(2.0),
        "feature-l2" => new FeatureDistillationLoss(FeatureDistance.L2),
        "feature-cosine" => new FeatureDistillationLoss(FeatureDistance.Cosine),
        "rkd" => new RelationalDistillationLoss(),
        "composite" => new CompositeLoss { { "adip", new AdipLoss(), 1.0 }, { "kd", new KnowledgeDistillationLoss(), 0.5 } },
        _ => throw new ArgumentException(name),
    };
}
