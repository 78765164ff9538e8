namespace VL2V.Distillation.Tests;

public sealed class ContractTests
{
    [Fact]
    public void TeacherEmbeddings_ZeroShotLogitsAreScaledCosines()
    {
        using var scope = torch.NewDisposeScope();
        var classText = torch.eye(3, 4);
        var image = nn.functional.normalize(torch.tensor(new[] { 1f, 2f, 0f, 0f, 0f, 0f, -1f, 0f }, [2, 4]), dim: 1);
        var teacher = new TeacherEmbeddings(image, classText, 100);
        var logits = teacher.ZeroShotLogits();
        logits.shape.Should().Equal(2, 3);
        logits[0, 1].ToDouble().Should().BeApproximately(100 * 2 / Math.Sqrt(5), 1e-4);
        logits[1, 2].ToDouble().Should().BeApproximately(-100, 1e-4);
        teacher.TextForLabels(torch.tensor(new long[] { 2, 0 }))[0].data<float>().ToArray().Should().Equal(0f, 0f, 1f, 0f);
        (teacher.BatchSize, teacher.EmbeddingDim, teacher.NumClasses).Should().Be((2L, 4L, 3L));
    }

    [Fact]
    public void ZeroShotClassifier_PredictsNearestClassTextIgnoringNorm()
    {
        using var scope = torch.NewDisposeScope();
        var classText = torch.eye(3);
        var embeddings = torch.tensor(new[] { 0f, 50f, 1f, 0.1f, 0f, 0.3f }, [2, 3]);
        ZeroShotClassifier.Predict(embeddings, classText).data<long>().ToArray().Should().Equal(1L, 2L);
    }

    [Fact]
    public void TeacherEmbeddings_DifferentEmbeddingSizes_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => new TeacherEmbeddings(torch.randn(2, 4), torch.randn(3, 5));
        act.Should().Throw<ArgumentException>().WithMessage(
            "Teacher image embeddings [2, 4] and class text embeddings [3, 5] must have the same embedding size D.*");
    }

    [Fact]
    public void TeacherEmbeddings_WrongRankOrScale_Throws()
    {
        using var scope = torch.NewDisposeScope();
        ((Action)(() => new TeacherEmbeddings(torch.randn(4), torch.randn(3, 4)))).Should().Throw<ArgumentException>()
            .WithMessage("Tensor 'image' has shape [4] but must have rank 2, shape [B, D].*");
        ((Action)(() => new TeacherEmbeddings(torch.randn(2, 4), torch.randn(3, 4), 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new TeacherEmbeddings(torch.ones(2, 4, dtype: ScalarType.Int64), torch.randn(3, 4)))).Should()
            .Throw<ArgumentException>().WithMessage("Tensor 'image' [2, 4] has dtype Int64 but must be floating point*");
    }

    [Fact]
    public void StudentOutput_BatchMismatch_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => new StudentOutput(torch.randn(4, 8), logits: torch.randn(3, 5));
        act.Should().Throw<ArgumentException>().WithMessage(
            "Batch sizes differ: 'embedding' has shape [4, 8] and 'logits' has shape [3, 5]; both must describe the same B samples.*");
        new StudentOutput(torch.randn(4, 8), torch.randn(4, 5), torch.randn(4, 16)).BatchSize.Should().Be(4);
    }
}
