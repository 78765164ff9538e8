using System.Text.Json;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v distill</c> on a tiny DomainBed folder with the vit-tiny fixture teacher and the small-cnn student.</summary>
public sealed class DistillCommandTests
{
    private static readonly string Weights = ClipFixtures.File("vit-tiny", "model.safetensors");
    private static readonly string Config = ClipFixtures.File("vit-tiny", "config.json");
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    internal static string[] TinyRun(string data, string output, params string[] extra) =>
    [
        "distill", "--data", data, "--teacher-weights", Weights, "--teacher-config", Config, "--vocab", Vocabulary,
        "--student", "small-cnn", "--method", "adip", "--test-domains", "sketch", "--seeds", "0",
        "--steps", "4", "--eval-every", "2", "--image-size", "32", "--batch-per-domain", "2", "--workers", "1", "--out", output, .. extra,
    ];

    [Fact]
    public void Distill_TinyRun_WritesResultsJsonThatMatchesTheRunAndASecondRunSkipsIt()
    {
        using var temp = new TempFolder();
        string data = TinyDomainBed.Create(temp.File("data"));
        string outDir = temp.File("out");

        var run = CliRun.Of(TinyRun(data, outDir));

        run.ExitCode.Should().Be(0, run.Error);
        run.Error.Should().BeEmpty();
        // ADiP: two stages, evaluations after steps 0, 2 and 3 of each.
        var evaluations = run.Output.Split('\n').Where(l => l.StartsWith("[sketch seed 0", StringComparison.Ordinal)).ToList();
        evaluations.Should().HaveCount(6);
        evaluations.Select(l => l.Split(']')[1].Split(':')[0].Trim()).Should().Equal(
            "align step 0/3", "align step 2/3", "align step 3/3", "distill step 0/3", "distill step 2/3", "distill step 3/3");
        evaluations.Should().OnlyContain(l => l.Contains("source val acc") && l.Contains("target acc"));

        string resultsPath = Path.Combine(outDir, "results.json");
        using var results = JsonDocument.Parse(File.ReadAllText(resultsPath));
        var root = results.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("benchmark", "seeds", "domains", "target_domains", "methods", "elapsed_seconds");
        root.GetProperty("benchmark").GetString().Should().Be("data");
        root.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()).Should().Equal(0);
        root.GetProperty("domains").EnumerateArray().Select(s => s.GetString()).Should().Equal(TinyDomainBed.Domains);
        root.GetProperty("target_domains").EnumerateArray().Select(s => s.GetString()).Should().Equal("sketch");
        root.GetProperty("elapsed_seconds").GetDouble().Should().BePositive();
        var methods = root.GetProperty("methods");
        methods.EnumerateObject().Select(p => p.Name).Should().Equal("adip");
        var adip = methods.GetProperty("adip");
        adip.EnumerateObject().Select(p => p.Name).Should().Equal("ood", "ood_avg", "id_avg");
        adip.GetProperty("ood").EnumerateObject().Select(p => p.Name).Should().Equal("sketch");
        foreach (var statistics in new[] { adip.GetProperty("ood").GetProperty("sketch"), adip.GetProperty("ood_avg"), adip.GetProperty("id_avg") })
        {
            statistics.EnumerateObject().Select(p => p.Name).Should().Equal("mean", "std");
            statistics.GetProperty("mean").GetDouble().Should().BeInRange(0, 1);
            statistics.GetProperty("std").GetDouble().Should().Be(0, "one seed has no spread");
        }

        // The numbers are the run's own reported (SWAD) evaluation, read from the run folder the library wrote.
        string runResult = Path.Combine(outDir, "sketch", "seed0", "result.json");
        using (var runJson = JsonDocument.Parse(File.ReadAllText(runResult)))
        {
            var reported = runJson.RootElement.GetProperty("Stages").EnumerateArray().Last().GetProperty("Swad");
            adip.GetProperty("ood").GetProperty("sketch").GetProperty("mean").GetDouble().Should().Be(reported.GetProperty("TargetAccuracy").GetDouble());
            adip.GetProperty("ood_avg").GetProperty("mean").GetDouble().Should().Be(reported.GetProperty("TargetAccuracy").GetDouble());
            adip.GetProperty("id_avg").GetProperty("mean").GetDouble().Should().Be(reported.GetProperty("SourceValidationAccuracy").GetDouble());
        }
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo(["results.json", "summary.md", "distill-settings.json"], "no temporary file is left behind");

        // Same command again: the finished run is loaded, not retrained, and the numbers are the same.
        var runBytes = File.ReadAllBytes(runResult);
        var again = CliRun.Of(TinyRun(data, outDir));
        again.ExitCode.Should().Be(0, again.Error);
        again.Output.Should().NotContain("step", "no training step ran");
        File.ReadAllBytes(runResult).Should().Equal(runBytes);
        using var second = JsonDocument.Parse(File.ReadAllText(resultsPath));
        second.RootElement.GetProperty("methods").GetRawText().Should().Be(methods.GetRawText());

        // Other settings with the same --out would silently reuse the finished run: refused, naming the difference.
        CliRun.Of([.. TinyRun(data, outDir), "--lr", "0.001"]).ShouldFailWithOneLine("LearningRate", "another --out");
        File.ReadAllBytes(runResult).Should().Equal(runBytes);

        // vl2v report over the same folder shows the same number as a DomainBed cell (percent, one seed: ± 0.0).
        var report = CliRun.Of("report", outDir);
        report.ExitCode.Should().Be(0, report.Error);
        double mean = adip.GetProperty("ood").GetProperty("sketch").GetProperty("mean").GetDouble();
        string cell = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * mean:0.0} ± 0.0");
        report.Output.Should().Contain($"| adip | {cell} | {cell} |");
        File.ReadAllText(Path.Combine(outDir, "report.md")).Should().Contain($"| adip | {cell} | {cell} |");
    }

    [Fact]
    public void CacheBuild_InTwoShards_CoversEveryViewTheDistillRunDraws()
    {
        using var temp = new TempFolder();
        string data = TinyDomainBed.Create(temp.File("data"));
        string cache = temp.File("cache");
        string[] build = ["cache", "build", "--data", data, "--teacher-weights", Weights, "--teacher-config", Config, "--vocab", Vocabulary,
                          "--cache", cache, "--views-per-sample", "2", "--image-size", "32", "--workers", "1"];
        int expected = TinyDomainBed.Domains.Length * TinyDomainBed.InPart * 2;

        var part0 = CliRun.Of([.. build, "--shard", "0/2"]);
        var part1 = CliRun.Of([.. build, "--shard", "1/2"]);
        var whole = CliRun.Of(build);

        part0.ExitCode.Should().Be(0, part0.Error);
        part1.ExitCode.Should().Be(0, part1.Error);
        whole.ExitCode.Should().Be(0, whole.Error);
        whole.Output.Should().Contain($"{expected} views, 0 computed, {expected} already cached", "the two parts together computed every view");
        whole.Output.Should().Contain($"the cache holds {expected} rows");
        var folder = Directory.GetDirectories(cache).Should().ContainSingle().Subject;
        Directory.GetFiles(folder, "part000of002-*.safetensors").Should().NotBeEmpty();
        Directory.GetFiles(folder, "part001of002-*.safetensors").Should().NotBeEmpty();

        var run = CliRun.Of(TinyRun(data, temp.File("out"), "--cache", cache, "--views-per-sample", "2"));

        run.ExitCode.Should().Be(0, run.Error);
        File.Exists(temp.File("out", "results.json")).Should().BeTrue();
        Directory.GetFiles(folder, "online-*.safetensors").Should().BeEmpty("every view the run drew was already in the cache (same keys and fingerprint)");
    }

    [Theory]
    [InlineData("sd", "clip", true)]
    [InlineData("kd", "small-cnn", true)]
    [InlineData("erm", "small-cnn", false)]   // no teacher at all
    public void Distill_EveryMethod_RunsAndReportsUnderItsName(string method, string student, bool teacher)
    {
        using var temp = new TempFolder();
        string data = TinyDomainBed.Create(temp.File("data"));
        var args = TinyRun(data, temp.File("out"), "--no-swad").ToList();
        args[args.IndexOf("adip")] = method;
        args[args.IndexOf("small-cnn")] = student;
        args[args.IndexOf("4")] = "2";
        if (!teacher) args.RemoveRange(args.IndexOf("--teacher-weights"), 6);

        var run = CliRun.Of([.. args]);

        run.ExitCode.Should().Be(0, run.Error);
        using var results = JsonDocument.Parse(File.ReadAllText(temp.File("out", "results.json")));
        var entry = results.RootElement.GetProperty("methods").GetProperty(method);
        entry.GetProperty("ood").GetProperty("sketch").GetProperty("mean").GetDouble().Should().BeInRange(0, 1);
        using var runJson = JsonDocument.Parse(File.ReadAllText(temp.File("out", "sketch", "seed0", "result.json")));
        runJson.RootElement.GetProperty("Method").GetString().Should().Be(
            method switch { "sd" => "SelfDistillation", "kd" => "KnowledgeDistillation", "align-only" => "AlignOnly", _ => "Erm" });
    }
}
