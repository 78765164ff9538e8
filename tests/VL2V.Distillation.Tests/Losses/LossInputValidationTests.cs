using VL2V.Distillation.Losses;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Losses;

public sealed class LossInputValidationTests
{
    public static TheoryData<string> EmbeddingLosses() => new() { "adip", "kd", "feature-l2", "feature-cosine", "rkd", "composite" };

    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_MismatchedBatch_NamesTensorsAndShapes(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var student = new StudentOutput(batch.Embedding[..4], batch.Logits[..4]);
        var act = () => SyntheticBatch.Create(name).Compute(student, batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().Which.Message.Should().MatchRegex(@"\[4, \d+\]").And.MatchRegex(@"\[6(, \d+)?\]");
    }

    [Theory]
    [InlineData("adip")]
    [InlineData("feature-l2")]
    [InlineData("feature-cosine")]
    [InlineData("rkd")]
    [InlineData("composite")]
    public void Compute_MismatchedEmbeddingSize_Throws(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var student = new StudentOutput(torch.randn(6, 12), batch.Logits);
        var act = () => SyntheticBatch.Create(name).Compute(student, batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("*'student.Embedding' has shape [6, 12]*'teacher.Image' has shape [6, 8]*");
    }

    [Fact]
    public void Adip_MismatchedEmbeddingSize_ExactMessage()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => new AdipLoss().Compute(new StudentOutput(torch.randn(6, 12)), batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage(
            "Embedding sizes differ: 'student.Embedding' has shape [6, 12] and 'teacher.Image' has shape [6, 8]; " +
            "the student must project into the teacher's embedding size.*");
    }

    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_LabelOutOfRange_Throws(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var labels = torch.tensor(new long[] { 0, 1, 2, 3, 4, 5 });
        var act = () => SyntheticBatch.Create(name).Compute(batch.Student, batch.Teacher, labels);
        act.Should().Throw<ArgumentException>().WithMessage(
            "Tensor 'labels' [6] holds labels in [0, 5] but there are 5 classes; labels must be in [0, 4].*");
    }

    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_NegativeLabel_Throws(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var labels = torch.tensor(new long[] { 0, -1, 2, 3, 4, 0 });
        var act = () => SyntheticBatch.Create(name).Compute(batch.Student, batch.Teacher, labels);
        act.Should().Throw<ArgumentException>().WithMessage("*holds labels in [-1, 4]*");
    }

    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_NaNInStudent_Throws(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var embedding = batch.Embedding.detach().clone();
        embedding[2, 3] = torch.tensor(float.NaN);
        var logits = batch.Logits.detach().clone();
        logits[1, 1] = torch.tensor(float.NaN);
        var act = () => SyntheticBatch.Create(name).Compute(new StudentOutput(embedding, logits), batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("Tensor 'student.*' [6, *] contains NaN or infinite values.*");
    }

    [Theory]
    [MemberData(nameof(EmbeddingLosses))]
    public void Compute_InfinityInTeacher_Throws(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var image = batch.TeacherImage.detach().clone();
        image[0, 0] = torch.tensor(float.PositiveInfinity);
        var act = () => SyntheticBatch.Create(name).Compute(batch.Student, new TeacherEmbeddings(image, batch.ClassText), batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("Tensor 'teacher.Image' [6, 8] contains NaN or infinite values.*");
    }

    [Theory]
    [MemberData(nameof(EmbeddingLosses))]
    public void Compute_WithoutTeacher_SaysWhatIsMissing(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => SyntheticBatch.Create(name).Compute(batch.Student, null, batch.Labels);
        act.Should().Throw<ArgumentNullException>().WithMessage("*needs the teacher's embeddings*Pass the result of ITeacher.Encode*");
    }

    [Theory]
    [InlineData("ce")]
    [InlineData("kd")]
    public void Compute_WithoutLogits_SaysWhichStudentIsNeeded(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => SyntheticBatch.Create(name).Compute(new StudentOutput(batch.Embedding), batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("*needs classifier logits, but 'student.Logits' was null*");
    }

    [Fact]
    public void KnowledgeDistillation_ClassCountMismatch_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => new KnowledgeDistillationLoss().Compute(new StudentOutput(batch.Embedding, torch.randn(6, 7)), batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("The student's logits [6, 7] and the teacher's class text embeddings [5, 8] disagree on the number of classes C.*");
    }

    [Fact]
    public void Labels_WrongDtype_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => new AdipLoss().Compute(batch.Student, batch.Teacher, batch.Labels.to(ScalarType.Int32));
        act.Should().Throw<ArgumentException>().WithMessage("Tensor 'labels' [6] has dtype Int32 but must be int64.*");
    }

    [Fact]
    public void Relational_SingleSample_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch(batch: 1);
        var act = () => new RelationalDistillationLoss().Compute(batch.Student, batch.Teacher, batch.Labels);
        act.Should().Throw<ArgumentException>().WithMessage("*use a batch of at least 2*");
    }

    [Fact]
    public void Contrastive_BadInputs_Throw()
    {
        using var scope = torch.NewDisposeScope();
        var loss = new ClipContrastiveLoss();
        ((Action)(() => loss.Compute(torch.randn(4, 8), torch.randn(4, 6), torch.tensor(10f))))
            .Should().Throw<ArgumentException>().WithMessage("Shapes differ: 'imageEmbeddings' has shape [4, 8] and 'textEmbeddings' has shape [4, 6]*");
        ((Action)(() => loss.Compute(torch.randn(4, 8), torch.randn(4, 8), torch.tensor(new[] { 10f }))))
            .Should().Throw<ArgumentException>().WithMessage("Tensor 'logitScale' has shape [1] but must have rank 0*");
        ((Action)(() => loss.Compute(torch.randn(1, 8), torch.randn(1, 8), torch.tensor(10f))))
            .Should().Throw<ArgumentException>().WithMessage("A contrastive loss needs at least 2 pairs*");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Adip_LambdaOutsideUnitInterval_Throws(double lambda)
    {
        var act = () => new AdipLoss(lambda);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lambda");
    }

    [Fact]
    public void Options_OutOfRange_Throw()
    {
        ((Action)(() => new CrossEntropyLoss(1.0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("labelSmoothing");
        ((Action)(() => new KnowledgeDistillationLoss(0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("temperature");
        ((Action)(() => new KnowledgeDistillationLoss(4, -1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("distillationWeight");
        ((Action)(() => new RelationalDistillationLoss(1, double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("angleWeight");
        ((Action)(() => new FeatureDistillationLoss((FeatureDistance)7))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("distance");
    }
}
