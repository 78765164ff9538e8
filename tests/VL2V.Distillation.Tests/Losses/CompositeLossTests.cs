using VL2V.Distillation.Losses;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Losses;

public sealed class CompositeLossTests
{
    [Fact]
    public void ToString_PrintsWeightedSumAndEachFormula()
    {
        var loss = new CompositeLoss
        {
            { "adip", new AdipLoss(0.7), 1.0 },
            { "kd", new KnowledgeDistillationLoss(2.0, 1.0, 0.5), 0.25 },
        };
        loss.ToString().Should().Be(
            "L = 1*adip + 0.25*kd, where adip = 0.7*(-mean cos(p, I_t)) + 0.3*(-mean cos(p, T_y)), " +
            "kd = 1*4*KL(softmax(z_t/2) || softmax(z_s/2)) + 0.5*CE(z_s, y)");
    }

    [Fact]
    public void Compute_TotalIsWeightedSumAndTermsAreNamed()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var adip = new AdipLoss();
        var ce = new CrossEntropyLoss();
        var loss = new CompositeLoss { { "adip", adip, 2.0 }, { "ce", ce, 0.5 } };
        var result = loss.Compute(batch.Student, batch.Teacher, batch.Labels);

        double a = adip.Compute(batch.Student, batch.Teacher, batch.Labels).Total.ToDouble();
        double c = ce.Compute(batch.Student, batch.Teacher, batch.Labels).Total.ToDouble();
        result.Total.ToDouble().Should().BeApproximately(2.0 * a + 0.5 * c, 1e-6);
        result.Terms.Keys.Should().BeEquivalentTo("adip", "adip.image", "adip.text", "ce", "ce.ce");
        result.Terms["adip"].ToDouble().Should().BeApproximately(a, 1e-7);
        result.ToValues().Should().ContainKey("total");
    }

    [Fact]
    public void Add_RejectsDuplicateAndBadNamesAndWeights()
    {
        var loss = new CompositeLoss { { "adip", new AdipLoss(), 1.0 } };
        ((Action)(() => loss.Add("adip", new AdipLoss(), 1.0))).Should().Throw<ArgumentException>()
            .WithMessage("A loss named 'adip' was already added; names must be unique.*");
        ((Action)(() => loss.Add("a b", new AdipLoss(), 1.0))).Should().Throw<ArgumentException>().WithMessage("Loss name 'a b' must be non-empty*");
        ((Action)(() => loss.Add("x.y", new AdipLoss(), 1.0))).Should().Throw<ArgumentException>();
        ((Action)(() => loss.Add("ce", new CrossEntropyLoss(), -1))).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("The weight of loss 'ce' must be a finite number ≥ 0.*");
    }

    [Fact]
    public void Compute_Empty_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var batch = new SyntheticBatch();
        var act = () => new CompositeLoss().Compute(batch.Student, batch.Teacher, batch.Labels);
        act.Should().Throw<InvalidOperationException>().WithMessage("This CompositeLoss has no components*");
    }
}
