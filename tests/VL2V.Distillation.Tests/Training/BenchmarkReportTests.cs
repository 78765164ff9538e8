using System.Text.Json;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Training;

public sealed class BenchmarkReportTests
{
    private static readonly RunScore[] Scores =
    [
        new("erm", "art", 0, 0.60, 0.90), new("erm", "sketch", 0, 0.40, 0.92),
        new("erm", "art", 1, 0.70, 0.94), new("erm", "sketch", 1, 0.50, 0.96),
        new("adip", "art", 0, 0.80, 0.91), new("adip", "sketch", 0, 0.60, 0.93),
        new("adip", "art", 1, 0.80, 0.91), new("adip", "sketch", 1, 0.60, 0.93),
    ];

    [Fact]
    public void ToJson_FollowsTheReportSchema()
    {
        var report = BenchmarkReport.From("synthdg", ["art", "photo", "sketch"], ["art", "sketch"], [0, 1], Scores, TimeSpan.FromSeconds(12.5));
        var root = JsonDocument.Parse(report.ToJson()).RootElement;

        root.GetProperty("benchmark").GetString().Should().Be("synthdg");
        root.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0, 1);
        root.GetProperty("domains").GetArrayLength().Should().Be(3);
        root.GetProperty("target_domains").EnumerateArray().Select(e => e.GetString()).Should().Equal("art", "sketch");
        root.GetProperty("elapsed_seconds").GetDouble().Should().Be(12.5);
        var erm = root.GetProperty("methods").GetProperty("erm");
        erm.GetProperty("ood").GetProperty("art").GetProperty("mean").GetDouble().Should().BeApproximately(0.65, 1e-12);
        erm.GetProperty("ood").GetProperty("art").GetProperty("std").GetDouble().Should().BeApproximately(0.05, 1e-12);
        erm.GetProperty("ood_avg").GetProperty("mean").GetDouble().Should().BeApproximately(0.55, 1e-12, "seed averages 0.50 and 0.60");
        erm.GetProperty("ood_avg").GetProperty("std").GetDouble().Should().BeApproximately(0.05, 1e-12);
        erm.GetProperty("id_avg").GetProperty("mean").GetDouble().Should().BeApproximately(0.93, 1e-12);
        root.GetProperty("methods").EnumerateObject().Select(p => p.Name).Should().Equal("erm", "adip");
    }

    [Fact]
    public void ToMarkdown_HasOneRowPerMethod()
    {
        var report = BenchmarkReport.From("synthdg", ["art", "sketch"], ["art", "sketch"], [0, 1], Scores, TimeSpan.Zero);
        report.ToMarkdown().Should().Be(string.Join(Environment.NewLine,
            "| Method | art | sketch | OOD avg | ID avg |",
            "|---|---|---|---|---|",
            "| erm | 65.0 ± 5.0 | 45.0 ± 5.0 | 55.0 ± 5.0 | 93.0 ± 2.0 |",
            "| adip | 80.0 ± 0.0 | 60.0 ± 0.0 | 70.0 ± 0.0 | 92.0 ± 0.0 |") + Environment.NewLine);
    }

    [Fact]
    public void From_MissingRun_SaysWhichOne()
    {
        var act = () => BenchmarkReport.From("x", ["art", "sketch"], ["art", "sketch"], [0, 1], Scores.Skip(1), TimeSpan.Zero);
        act.Should().Throw<ArgumentException>().WithMessage("Method 'erm' has no result for art (seed 0); finish those runs before reporting.*");
    }
}
