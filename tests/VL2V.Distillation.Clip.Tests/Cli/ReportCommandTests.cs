using System.Text.Json;
using System.Text.Json.Serialization;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v report</c> over run folders written in the trainer's result.json format.</summary>
public sealed class ReportCommandTests
{
    private static readonly string[] Domains = ["art", "photo", "sketch"];

    // A finished run as the trainer writes it: one stage whose SWAD evaluation is the reported one.
    private static void WriteRun(string root, DistillationMethod method, string target, int seed, double accuracy)
    {
        var perDomain = Domains.ToDictionary(d => d == target ? d + "/in" : d + "/out", _ => 0.5);
        perDomain[target + "/in"] = accuracy;
        var other = new EvaluationRecord(0, 0.3, 1.0, 0.1, 0.1, perDomain);
        var reported = new EvaluationRecord(3, 0.5, 1.0, accuracy, 0.1, perDomain);
        var result = new RunResult(method, [target], seed, [new StageResult("train", [other], other, other, other, reported)], TimeSpan.FromSeconds(1));
        string folder = Path.Combine(root, method.ToString(), target, $"seed{seed}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
        }));
    }

    [Fact]
    public void Report_RunsOfTwoMethods_GivesTheDomainBedTableWithMeanAndStandardError()
    {
        using var temp = new TempFolder();
        WriteRun(temp.File("a"), DistillationMethod.Adip, "art", 0, 0.80);
        WriteRun(temp.File("a"), DistillationMethod.Adip, "art", 1, 0.90);
        WriteRun(temp.File("a"), DistillationMethod.Adip, "photo", 0, 0.60);
        WriteRun(temp.File("a"), DistillationMethod.Adip, "photo", 1, 0.70);
        WriteRun(temp.File("b"), DistillationMethod.Adip, "sketch", 0, 0.50);
        WriteRun(temp.File("b"), DistillationMethod.Adip, "sketch", 1, 0.50);
        WriteRun(temp.File("b"), DistillationMethod.Erm, "art", 0, 0.40);

        var run = CliRun.Of("report", temp.File("a"), temp.File("b"), temp.File("a"), "--out", temp.File("table.md"));

        run.ExitCode.Should().Be(0, run.Error);
        // art: 85 ± 5/√2; photo: 65 ± 5/√2; sketch 50 ± 0; Avg: seeds average 63.33 and 70.00 → 66.7 ± 3.33/√2.
        string table =
            "| Method | art | photo | sketch | Avg |\n" +
            "|---|---|---|---|---|\n" +
            "| adip | 85.0 ± 3.5 | 65.0 ± 3.5 | 50.0 ± 0.0 | 66.7 ± 2.4 |\n" +
            "| erm | 40.0 ± 0.0 | X | X | X |\n";
        run.Output.ReplaceLineEndings("\n").Should().Contain(table);
        File.ReadAllText(temp.File("table.md")).ReplaceLineEndings("\n").Should().Contain(table);
        run.Output.Should().Contain("7 run(s) from 7 result.json file(s)");
        File.Exists(temp.File("a", "report.md")).Should().BeFalse("--out names the file");
    }

    [Fact]
    public void Report_TheSameRunInTwoFolders_IsAOneLineError()
    {
        using var temp = new TempFolder();
        WriteRun(temp.File("a"), DistillationMethod.Adip, "art", 0, 0.80);
        WriteRun(temp.File("b"), DistillationMethod.Adip, "art", 0, 0.70);

        CliRun.Of("report", temp.File("a"), temp.File("b")).ShouldFailWithOneLine("adip", "target art", "seed 0");
    }
}
