using VL2V.Distillation.Losses;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Losses;

public sealed class LossGradientTests
{
    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_GradientReachesStudentOnly(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var result = SyntheticBatch.Create(name).Compute(batch.Student, batch.Teacher, batch.Labels);
        result.Total.backward();

        var studentGrads = new[] { batch.Embedding.grad, batch.Logits.grad }.Where(g => g is not null).ToList();
        studentGrads.Should().NotBeEmpty("the loss must train the student");
        studentGrads.Sum(g => g!.abs().sum().ToDouble()).Should().BeGreaterThan(0);
        batch.TeacherImage.grad.Should().BeNull("the teacher is frozen: its image embeddings must be detached");
        batch.ClassText.grad.Should().BeNull("the teacher is frozen: its class text embeddings must be detached");
    }

    [Theory]
    [MemberData(nameof(SyntheticBatch.LossNames), MemberType = typeof(SyntheticBatch))]
    public void Compute_ReturnsFiniteScalarAndNamedTerms(string name)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var loss = SyntheticBatch.Create(name);
        var result = loss.Compute(batch.Student, batch.Teacher, batch.Labels);
        result.Total.dim().Should().Be(0);
        double.IsFinite(result.Total.ToDouble()).Should().BeTrue();
        result.Terms.Should().NotBeEmpty();
        result.Terms.Values.Should().AllSatisfy(t => t.dim().Should().Be(0));
        loss.ToString().Should().Be(loss.Formula).And.NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Adip_IsInvariantToScalingStudentAndTargets()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var loss = new AdipLoss(0.3);
        double reference = loss.Compute(batch.Student, batch.Teacher, batch.Labels).Total.ToDouble();
        // The official code's text targets are the x100 zero-shot weights; cosine makes that harmless.
        var scaledTeacher = new TeacherEmbeddings(batch.TeacherImage * 7.5, batch.ClassText * 100);
        double scaled = loss.Compute(new StudentOutput(batch.Embedding * 0.01), scaledTeacher, batch.Labels).Total.ToDouble();
        scaled.Should().BeApproximately(reference, 1e-5);
    }

    [Fact]
    public void Adip_IsMinusOneWhenStudentMatchesBothTargets()
    {
        using var scope = torch.NewDisposeScope();
        var classText = nn.functional.normalize(torch.randn(3, 4, generator: new torch.Generator(1)), dim: 1);
        var labels = torch.tensor(new long[] { 2, 0, 1, 2 });
        var target = classText.index_select(0, labels);
        var result = new AdipLoss().Compute(new StudentOutput(target * 3), new TeacherEmbeddings(target, classText), labels);
        result.Total.ToDouble().Should().BeApproximately(-1.0, 1e-6);
    }

    [Theory]
    [InlineData(1.0, "image")]
    [InlineData(0.0, "text")]
    public void Adip_LambdaOneOrZero_IsTheSingleTargetAblation(double lambda, string onlyTerm)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var result = new AdipLoss(lambda).Compute(batch.Student, batch.Teacher, batch.Labels);
        result.Total.ToDouble().Should().BeApproximately(result.Terms[onlyTerm].ToDouble(), 1e-7);
    }

    [Fact]
    public void KnowledgeDistillation_IsInvariantToShiftingLogits()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var loss = new KnowledgeDistillationLoss(3.0);
        double reference = loss.Compute(batch.Student, batch.Teacher, batch.Labels).Total.ToDouble();
        double shifted = loss.Compute(new StudentOutput(batch.Embedding, batch.Logits + 5), batch.Teacher, batch.Labels).Total.ToDouble();
        shifted.Should().BeApproximately(reference, 1e-4);
    }

    [Fact]
    public void KnowledgeDistillation_SoftTermIsZeroWhenStudentCopiesTeacher()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var teacher = batch.Teacher;
        var result = new KnowledgeDistillationLoss(4.0).Compute(new StudentOutput(batch.Embedding, teacher.ZeroShotLogits().detach()), teacher, batch.Labels);
        result.Terms["kd"].ToDouble().Should().BeApproximately(0.0, 1e-4);
    }

    [Fact]
    public void Relational_IsInvariantToScalingEitherSide()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var loss = new RelationalDistillationLoss();
        double reference = loss.Compute(batch.Student, batch.Teacher, batch.Labels).Total.ToDouble();
        var scaledTeacher = new TeacherEmbeddings(batch.TeacherImage * 4, batch.ClassText);
        double scaled = loss.Compute(new StudentOutput(batch.Embedding * 0.2), scaledTeacher, batch.Labels).Total.ToDouble();
        scaled.Should().BeApproximately(reference, 1e-4);
    }

    [Fact]
    public void Relational_IsZeroWhenStudentIsAScaledCopyOfTeacher()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var result = new RelationalDistillationLoss().Compute(new StudentOutput(batch.TeacherImage.detach() * 3), batch.Teacher, batch.Labels);
        result.Total.ToDouble().Should().BeApproximately(0.0, 1e-5);
    }

    [Fact]
    public void Contrastive_GradientReachesBothTowersAndTheTemperature()
    {
        using var scope = torch.NewDisposeScope();
        var g = new torch.Generator(3);
        var image = torch.randn(5, 8, generator: g).requires_grad_(true);
        var text = torch.randn(5, 8, generator: g).requires_grad_(true);
        var logScale = torch.tensor(MathF.Log(1 / 0.07f)).requires_grad_(true); // CLIP's initial temperature
        var result = new ClipContrastiveLoss().Compute(image, text, logScale.exp());
        result.Total.backward();
        image.grad.Should().NotBeNull();
        text.grad.Should().NotBeNull();
        logScale.grad!.ToDouble().Should().NotBe(0);
    }

    [Fact]
    public void Contrastive_IsLowWhenPairsMatchAndHighWhenShuffled()
    {
        using var scope = torch.NewDisposeScope();
        var embeddings = nn.functional.normalize(torch.randn(8, 16, generator: new torch.Generator(5)), dim: 1);
        var loss = new ClipContrastiveLoss();
        double matched = loss.Compute(embeddings, embeddings, torch.tensor(100f)).Total.ToDouble();
        double shuffled = loss.Compute(embeddings, embeddings.roll(1, 0), torch.tensor(100f)).Total.ToDouble();
        matched.Should().BeLessThan(0.01);
        shuffled.Should().BeGreaterThan(10);
    }
}
