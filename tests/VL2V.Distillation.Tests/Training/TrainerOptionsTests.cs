using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Training;

public sealed class TrainerOptionsTests
{
    [Fact]
    public void Defaults_AreTheOfficialRecipe()
    {
        var o = new TrainerOptions();
        o.Validate();
        (o.Method, o.Steps, o.EvaluateEvery, o.BatchSizePerDomain).Should().Be((DistillationMethod.Adip, 5001, 200, 32));
        (o.LearningRate, o.WeightDecay, o.Lambda, o.HoldoutFraction).Should().Be((5e-5, 0.0, 0.5, 0.2));
        (o.Swad.Enabled, o.Swad.NConverge, o.Swad.NTolerance, o.Swad.ToleranceRatio).Should().Be((true, 3, 6, 0.3));
        o.Selection.Should().Be(ModelSelection.TrainingDomainValidation);
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        var o = new TrainerOptions
        {
            Steps = 0, LearningRate = -1, Lambda = 1.5, HoldoutFraction = 1,
            Swad = new SwadOptions { NConverge = 0, ToleranceRatio = double.NaN },
        };
        var act = () => o.Validate();
        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(string.Join(Environment.NewLine,
            "The 'TrainerOptions' are invalid:",
            "- Steps must be ≥ 1 (was 0).",
            "- LearningRate must be a positive finite number (was -1).",
            "- Lambda must be in [0, 1] (was 1.5).",
            "- Swad.NConverge must be ≥ 1 (was 0).",
            "- Swad.ToleranceRatio must be a finite number ≥ 0 (was NaN).",
            "- HoldoutFraction must be in (0, 1) (was 1)."));
    }

    [Fact]
    public void With_MakesVariantsWithoutTouchingTheOriginal()
    {
        var baseline = new TrainerOptions();
        var erm = baseline with { Method = DistillationMethod.Erm, Steps = 10 };
        erm.Method.Should().Be(DistillationMethod.Erm);
        baseline.Steps.Should().Be(5001);
    }
}
