using System.Reflection;
using System.Text.Json;
using VL2V.Distillation.Clip.Embedded;
using VL2V.Distillation.Clip.Tests.Cli;
using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Data.Synthetic;

namespace VL2V.Distillation.Clip.Tests.Samples;

/// <summary>
/// The README's main command with <c>--quick</c>: runs the QuickStart program itself (its entry point, with the same
/// arguments a user types) into a temporary folder and checks every output against the schema of issue 6.
/// </summary>
public sealed class QuickStartQuickRunTests
{
    private static readonly string[] Methods = ["teacher_zeroshot", "erm", "kd", "align_only", "adip"];

    [Fact]
    public void QuickRun_WritesReportJsonMarkdownAndChart_AndCachesTheTeacher()
    {
        using var temp = new TempFolder();
        string output = temp.File("out"), cache = temp.File("cache");
        var entry = Assembly.Load("QuickStart").EntryPoint!;
        var exitCode = entry.Invoke(null, [new[] { "--quick", "--out", output, "--cache", cache }]);
        exitCode.Should().Be(0);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        var root = json.RootElement;
        root.GetProperty("benchmark").GetString().Should().Be("synthdg");
        root.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()).Should().NotBeEmpty();
        var domains = root.GetProperty("domains").EnumerateArray().Select(d => d.GetString()!).ToList();
        domains.Should().Equal(SynthDG.PacsLikeDomains.Select(d => SynthDG.DomainName(d)));
        var targets = root.GetProperty("target_domains").EnumerateArray().Select(d => d.GetString()!).ToList();
        targets.Should().Equal(domains, "leave-one-domain-out holds out every domain in turn");
        root.GetProperty("elapsed_seconds").GetDouble().Should().BePositive();

        var methods = root.GetProperty("methods");
        methods.EnumerateObject().Select(m => m.Name).Should().Equal(Methods);
        foreach (var method in methods.EnumerateObject())
        {
            var ood = method.Value.GetProperty("ood");
            ood.EnumerateObject().Select(d => d.Name).Should().Equal(targets, $"{method.Name} reports every target domain");
            var perDomain = ood.EnumerateObject().Select(d => ShouldBeAccuracy(d.Value, $"{method.Name}.ood.{d.Name}")).ToList();
            double average = ShouldBeAccuracy(method.Value.GetProperty("ood_avg"), $"{method.Name}.ood_avg");
            average.Should().BeApproximately(perDomain.Average(), 1e-9, "with one seed the OOD average is the mean over target domains");
            ShouldBeAccuracy(method.Value.GetProperty("id_avg"), $"{method.Name}.id_avg");
        }

        var markdown = File.ReadAllText(Path.Combine(output, "report.md"));
        foreach (var method in Methods) markdown.Should().Contain($"| {method} |", "the table has one row per method");
        foreach (var domain in domains) markdown.Should().Contain(domain);

        var png = File.ReadAllBytes(Path.Combine(output, "ood_accuracy.png"));
        png.Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "the chart is a PNG");
        png.Length.Should().BeGreaterThan(2000, "a grouped bar chart is more than an empty image");

        // A second run reuses the teacher pretrained by the first.
        using var teacher = EmbeddedTeacher.GetOrTrain(cache, new SynthDGOptions { Seed = 0, ImageSize = 32 }, EmbeddedTeacherBudget.Quick);
        teacher.Info.LoadedFromCache.Should().BeTrue("the quick run must leave its teacher in the cache folder");
    }

    private static double ShouldBeAccuracy(JsonElement value, string what)
    {
        double mean = value.GetProperty("mean").GetDouble(), std = value.GetProperty("std").GetDouble();
        mean.Should().BeInRange(0, 1, what);
        std.Should().BeGreaterThanOrEqualTo(0, what);
        return mean;
    }
}
