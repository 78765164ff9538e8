using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Training;

public sealed class ModelSelectionTests
{
    private static readonly Dictionary<string, double> None = [];

    // A recorded validation curve: source validation peaks twice (steps 400 and 800), the target peaks at 600.
    private static readonly EvaluationRecord[] Curve =
    [
        new(200, 0.70, 0.9, 0.50, 0.52, None),
        new(400, 0.85, 0.5, 0.61, 0.60, None),
        new(600, 0.80, 0.6, 0.66, 0.70, None),
        new(800, 0.85, 0.4, 0.58, 0.59, None),
        new(1000, 0.82, 0.5, 0.63, 0.62, None),
    ];

    [Theory]
    [InlineData(ModelSelection.TrainingDomainValidation, 400, 0.61)] // first of the tied maxima, as SWAD's argmax
    [InlineData(ModelSelection.LastStep, 1000, 0.63)]
    [InlineData(ModelSelection.TestDomainOracle, 600, 0.66)]
    public void Select_ReportsTheTargetAccuracyOfTheChosenStep(ModelSelection selection, int step, double reported)
    {
        var chosen = EvaluationRecord.Select(Curve, selection);
        chosen.Step.Should().Be(step);
        chosen.TargetAccuracy.Should().Be(reported);
    }

    [Fact]
    public void Select_NoRecords_Throws()
    {
        var act = () => EvaluationRecord.Select([], ModelSelection.LastStep);
        act.Should().Throw<ArgumentException>().WithMessage("No evaluation was recorded*");
    }

    [Fact]
    public void SeedStatistics_UsesPopulationStdAndDomainBedStandardError()
    {
        var s = SeedStatistics.Of([0.80, 0.84, 0.86]);
        s.Mean.Should().BeApproximately(0.8333333, 1e-6);
        s.Std.Should().BeApproximately(Math.Sqrt((0.0011111 + 0.0000444 + 0.0007111) / 3), 1e-6);
        s.StandardError.Should().BeApproximately(s.Std / Math.Sqrt(3), 1e-12);
        s.ToString().Should().Be("83.3 ± 1.4");
    }

    [Fact]
    public void ResultsTable_AveragesDomainsWithinEachSeedThenOverSeeds()
    {
        string[] domains = ["art", "sketch"];
        var entries = new ResultsTable.Entry[]
        {
            new("adip", "art", 0, 0.90), new("adip", "sketch", 0, 0.70),
            new("adip", "art", 1, 0.80), new("adip", "sketch", 1, 0.60),
            new("erm", "art", 0, 0.85),
        };
        var summaries = ResultsTable.Summarize(entries, domains);
        var adip = summaries.Single(s => s.Method == "adip");
        adip.PerDomain["art"].Mean.Should().BeApproximately(0.85, 1e-12);
        adip.Average!.Value.Mean.Should().BeApproximately(0.75, 1e-12);
        adip.Average!.Value.Std.Should().BeApproximately(0.05, 1e-12, "seed averages are 0.80 and 0.70");
        summaries.Single(s => s.Method == "erm").Average.Should().BeNull("erm has no sketch run");

        ResultsTable.ToMarkdown(summaries, domains).Should().Be(
            "| Method | art | sketch | Avg |" + Environment.NewLine +
            "|---|---|---|---|" + Environment.NewLine +
            "| adip | 85.0 ± 3.5 | 65.0 ± 3.5 | 75.0 ± 3.5 |" + Environment.NewLine +
            "| erm | 85.0 ± 0.0 | X | X |" + Environment.NewLine);
    }
}
