using System.Text.Json;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v zeroshot</c> on a small DomainBed-layout folder with the vit-tiny fixture model.</summary>
public sealed class ZeroShotCommandTests
{
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    // domain → class folder → fixture images
    private static readonly (string Domain, string Class, string Image)[] Layout =
    [
        ("art_painting", "dog", "img0_300x200"), ("art_painting", "dog", "img1_64x128"), ("art_painting", "guitar", "img2_500x500"),
        ("photo", "dog", "img3_37x91"), ("photo", "guitar", "img4_301x200_rgba"), ("photo", "guitar", "img0_300x200"), ("photo", "guitar", "img2_500x500"),
    ];

    private static void Build(string root)
    {
        int n = 0;
        foreach (var (domain, cls, image) in Layout)
        {
            Directory.CreateDirectory(Path.Combine(root, domain, cls));
            File.Copy(SharedFolder.Get("fixtures", "preprocess", image + ".png"), Path.Combine(root, domain, cls, $"{n++:D2}_{image}.png"));
        }
    }

    [Fact]
    public void ZeroShot_WritesPerDomainAccuracyThatMatchesAnIndependentClassifier()
    {
        using var temp = new TempFolder();
        string root = temp.File("data");
        Build(root);

        var run = CliRun.Of("zeroshot", "--weights", ClipFixtures.File("vit-tiny", "model.pt"), "--config", ClipFixtures.File("vit-tiny", "config.json"),
                            "--vocab", Vocabulary, "--data", root, "--batch-size", "2", "--json", temp.File("zs.json"));

        run.ExitCode.Should().Be(0, run.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("zs.json")));
        var domains = json.RootElement.GetProperty("domains");
        domains.EnumerateObject().Select(p => p.Name).Should().Equal("art_painting", "photo");
        var expected = ExpectedAccuracies(root);
        double sum = 0;
        foreach (var domain in new[] { "art_painting", "photo" })
        {
            var entry = domains.GetProperty(domain);
            entry.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["accuracy", "count"]);
            entry.GetProperty("count").GetInt32().Should().Be(Layout.Count(l => l.Domain == domain));
            entry.GetProperty("accuracy").GetDouble().Should().BeApproximately(expected[domain], 1e-12, domain);
            sum += entry.GetProperty("accuracy").GetDouble();
        }
        domains.EnumerateObject().Sum(d => d.Value.GetProperty("count").GetInt32()).Should().Be(Layout.Length);
        json.RootElement.GetProperty("average").GetDouble().Should().BeApproximately(sum / 2, 1e-12);
        run.Output.Should().Contain("art_painting").And.Contain("photo").And.Contain("average");
    }

    // The classifier written out by hand: encode "a photo of a {c}" per class, normalise, argmax of cosine.
    private static Dictionary<string, double> ExpectedAccuracies(string root)
    {
        using var model = ClipCheckpoint.Load(ClipFixtures.File("vit-tiny", "model.safetensors"), ClipFixtures.Config("vit-tiny"));
        var tokenizer = ClipTokenizer.FromOpenAIVocabulary(Vocabulary);
        string[] classes = ["dog", "guitar"];
        using var _ = torch.no_grad();
        var ids = torch.tensor(classes.SelectMany(c => tokenizer.Encode($"a photo of a {c}")).Select(i => (long)i).ToArray(), [2, 77]);
        var text = nn.functional.normalize(model.EncodeText(ids), dim: -1);
        var preprocess = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = 32 });
        var result = new Dictionary<string, double>();
        foreach (var domain in new[] { "art_painting", "photo" })
        {
            var files = Directory.GetFiles(Path.Combine(root, domain), "*.png", SearchOption.AllDirectories);
            int correct = 0;
            foreach (var file in files)
            {
                var image = nn.functional.normalize(model.EncodeImage(preprocess.Preprocess(file).unsqueeze(0)), dim: -1);
                long predicted = image.matmul(text.t()).argmax(-1).item<long>();
                if (classes[predicted] == Path.GetFileName(Path.GetDirectoryName(file))) correct++;
            }
            result[domain] = (double)correct / files.Length;
        }
        return result;
    }

    [Fact]
    public void ZeroShot_DataProblemsAreReportedBeforeTheWeightsAreRead()
    {
        using var temp = new TempFolder();
        string root = temp.File("data");
        Build(root);
        Directory.CreateDirectory(Path.Combine(root, "photo", "horse"));   // a class only one domain has, and empty

        File.WriteAllText(temp.File("corrupt.pt"), "not a weight file");   // reading it would fail with another message

        CliRun.Of("zeroshot", "--weights", temp.File("corrupt.pt"), "--vocab", Vocabulary, "--data", root, "--json", temp.File("zs.json"))
              .ShouldFailWithOneLine("horse");
        File.Exists(temp.File("zs.json")).Should().BeFalse();
    }

    [Fact]
    public void ZeroShot_DomainTemplates_RunOnTheDomainFolderNames()
    {
        using var temp = new TempFolder();
        string root = temp.File("data");
        Build(root);

        var run = CliRun.Of("zeroshot", "--weights", ClipFixtures.File("vit-tiny", "model.safetensors"), "--config", ClipFixtures.File("vit-tiny", "config.json"),
                            "--vocab", Vocabulary, "--data", root, "--templates", "domain");

        run.ExitCode.Should().Be(0, run.Error);
        run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
    }
}
