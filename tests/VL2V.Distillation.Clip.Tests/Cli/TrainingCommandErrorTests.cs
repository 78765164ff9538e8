using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary>Bad paths, names and combinations of distill, cache build and report give one clear line and a non-zero exit code.</summary>
public sealed class TrainingCommandErrorTests
{
    private static readonly string Weights = ClipFixtures.File("vit-tiny", "model.safetensors");
    private static readonly string Config = ClipFixtures.File("vit-tiny", "config.json");

    [Fact]
    public void Distill_BadCombinationsAndNames_FailBeforeAnythingIsLoaded()
    {
        using var temp = new TempFolder();
        string data = TinyDomainBed.Create(temp.File("data"));
        string outDir = temp.File("out");

        var clip = DistillCommandTests.TinyRun(data, outDir);
        clip[Array.IndexOf(clip, "small-cnn")] = "clip";
        CliRun.Of(clip)
              .ShouldFailWithOneLine("--student clip", "--method sd");
        CliRun.Of([.. DistillCommandTests.TinyRun(data, outDir), "--dataset", "PACS"])
              .ShouldFailWithOneLine("PACS", "cartoon");
        CliRun.Of([.. DistillCommandTests.TinyRun(data, outDir), "--device", "cuda"])
              .ShouldFailWithOneLine("--device cuda", "CUDA is not available");
        CliRun.Of([.. DistillCommandTests.TinyRun(temp.File("nowhere"), outDir)])
              .ShouldFailWithOneLine("--data", "nowhere", "is not a folder");
        CliRun.Of(With(DistillCommandTests.TinyRun(data, outDir), "--test-domains", "cartoon"))
              .ShouldFailWithOneLine("'cartoon'", "art_painting, photo, sketch");
        CliRun.Of(With(DistillCommandTests.TinyRun(data, outDir), "--seeds", "0,x"))
              .ShouldFailWithOneLine("--seeds", "'x'");
        CliRun.Of(With(DistillCommandTests.TinyRun(data, outDir), "--image-size", "64"))
              .ShouldFailWithOneLine("--image-size 64", "resolution 32");
        CliRun.Of([.. DistillCommandTests.TinyRun(data, outDir), "--lambda", "1.5"])
              .ShouldFailWithOneLine("--lambda", "[0, 1]");
        var usage = CliRun.Of(With(DistillCommandTests.TinyRun(data, outDir), "--method", "fancy")).ShouldFailWithOneLine("fancy");
        usage.ExitCode.Should().Be(2);
        Directory.Exists(Path.Combine(outDir, "sketch")).Should().BeFalse("no run started");
    }

    [Fact]
    public void Distill_BadTeacherOrStudentWeights_AreOneLineFailuresNamingTheFile()
    {
        using var temp = new TempFolder();
        string data = TinyDomainBed.Create(temp.File("data"));
        File.WriteAllText(temp.File("corrupt.safetensors"), "not a checkpoint");
        var args = DistillCommandTests.TinyRun(data, temp.File("out"));
        args[Array.IndexOf(args, "--teacher-weights") + 1] = temp.File("corrupt.safetensors");

        CliRun.Of(args).ShouldFailWithOneLine("corrupt.safetensors");

        // A CLIP checkpoint is not a ResNet-18 state dict.
        var student = DistillCommandTests.TinyRun(data, temp.File("out2"));
        student[Array.IndexOf(student, "small-cnn")] = "resnet18";
        CliRun.Of([.. student, "--student-weights", Weights]).ShouldFailWithOneLine("model.safetensors");
        CliRun.Of([.. DistillCommandTests.TinyRun(data, temp.File("out3")), "--student-weights", Weights])
              .ShouldFailWithOneLine("small-cnn", "--student-weights");
    }

    [Fact]
    public void CacheBuild_BadShard_AndReport_WithoutRuns_AreOneLineFailures()
    {
        using var temp = new TempFolder();
        CliRun.Of("cache", "build", "--data", temp.Root, "--teacher-weights", Weights, "--teacher-config", Config, "--cache", temp.File("c"), "--shard", "2/2")
              .ShouldFailWithOneLine("--shard '2/2'", "0 ≤ I < N");
        CliRun.Of("cache", "build", "--data", temp.Root).ShouldFailWithOneLine("vl2v cache build", "--teacher-weights").ExitCode.Should().Be(2);
        CliRun.Of("report", temp.Root).ShouldFailWithOneLine("No finished run", "result.json");
        CliRun.Of("report", temp.File("missing")).ShouldFailWithOneLine("'" + temp.File("missing") + "'", "is not a folder");
    }

    /// <summary>The arguments with the value of <paramref name="option"/> replaced (or the option appended).</summary>
    private static string[] With(string[] args, string option, string value)
    {
        int at = Array.IndexOf(args, option);
        if (at < 0) return [.. args, option, value];
        var copy = (string[])args.Clone();
        copy[at + 1] = value;
        return copy;
    }

    [Theory]
    [InlineData(new[] { "distill" }, new[] { "--data", "--dataset", "--teacher-weights", "--teacher-config", "--vocab", "--student", "--student-weights",
        "--method", "--test-domains", "[default: all]", "--seeds", "[default: 0]", "--steps", "--eval-every", "--image-size", "[default: 224]",
        "--batch-per-domain", "[default: 32]", "--lr", "[default: 5E-05]", "--lambda", "[default: 0.5]", "--no-swad", "--out", "--cache",
        "--views-per-sample", "--device", "[default: cpu]", "adip|sd|erm|kd|align-only", "OfficeHome|PACS|VLCS|TerraIncognita|DomainNet", "folder of --teacher-weights" })]
    [InlineData(new[] { "cache", "build" }, new[] { "--data", "--teacher-weights", "--vocab", "--cache", "--views-per-sample", "[default: 8]",
        "--image-size", "--shard", "[default: 0/1]", "--batch-size", "[default: 64]", "--augmentation-seed" })]
    [InlineData(new[] { "report" }, new[] { "DIR", "--out", "report.md" })]
    [InlineData(new[] { "sweep" }, new[] { "--methods", "--format", "[default: lines]", "--data", "--student", "--out", "--test-domains" })]
    public void Help_DocumentsEveryOptionWithItsDefault(string[] command, string[] fragments)
    {
        var run = CliRun.Of([.. command, "--help"]);
        run.ExitCode.Should().Be(0);
        foreach (var fragment in fragments) run.Output.Should().Contain(fragment);
    }
}
