using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary>Bad command lines and bad inputs give one clear line on stderr and a non-zero exit code.</summary>
public sealed class CliErrorTests
{
    private static readonly string Weights = ClipFixtures.File("vit-tiny", "model.safetensors");
    private static readonly string Config = ClipFixtures.File("vit-tiny", "config.json");
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    [Fact]
    public void MissingWeightsFile_NamesTheOptionAndThePath()
    {
        using var temp = new TempFolder();
        CliRun.Of("embed", "--weights", temp.File("ViT-B-16.pt"), "--text", "a dog", "--out", temp.File("o.safetensors"))
              .ShouldFailWithOneLine("--weights", "ViT-B-16.pt", "does not exist");
    }

    [Fact]
    public void MissingImage_IsReportedBeforeTheModelIsLoaded()
    {
        using var temp = new TempFolder();
        CliRun.Of("embed", "--weights", Weights, "--config", Config, "--image", temp.File("nope.png"), "--out", temp.File("o.safetensors"))
              .ShouldFailWithOneLine("--image", "nope.png");
        File.Exists(temp.File("o.safetensors")).Should().BeFalse();
    }

    [Theory]
    [InlineData("[\"a dog\", ", "not valid JSON")]
    [InlineData("{\"texts\": [\"a dog\"]}", "array of strings")]
    [InlineData("[\"a dog\", 3]", "element 1")]
    public void BadTextsJson_NamesTheFileAndWhatIsExpected(string content, string fragment)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("texts.json"), content);
        CliRun.Of("embed", "--weights", Weights, "--config", Config, "--vocab", Vocabulary, "--texts-json", temp.File("texts.json"), "--out", temp.File("o.safetensors"))
              .ShouldFailWithOneLine("texts.json", fragment);
        CliRun.Of("tokenize", "--vocab", Vocabulary, "--texts-json", temp.File("texts.json"), "--out", temp.File("o.json"))
              .ShouldFailWithOneLine("texts.json", fragment);
    }

    [Fact]
    public void UnknownTemplateSet_IsAUsageError()
    {
        var run = CliRun.Of("zeroshot", "--weights", Weights, "--data", ".", "--templates", "fancy").ShouldFailWithOneLine("fancy", "photo", "imagenet");
        run.ExitCode.Should().Be(2);
    }

    [Fact]
    public void MissingRequiredOption_UnknownOption_AndNoCommand_AreOneLineUsageErrors()
    {
        CliRun.Of("embed", "--text", "a dog").ShouldFailWithOneLine("--weights").ExitCode.Should().Be(2);
        CliRun.Of("tokenize", "--texts-json", "t.json", "--out", "o.json", "--colour").ShouldFailWithOneLine("--colour").ExitCode.Should().Be(2);
        CliRun.Of().ShouldFailWithOneLine().ExitCode.Should().Be(2);
    }

    [Fact]
    public void NothingToEmbed_AndBadWeightsFile_AreOneLineFailures()
    {
        using var temp = new TempFolder();
        CliRun.Of("embed", "--weights", Weights, "--out", temp.File("o.safetensors")).ShouldFailWithOneLine("--image", "--text");
        File.WriteAllText(temp.File("weights.safetensors"), "not a checkpoint");
        CliRun.Of("embed", "--weights", temp.File("weights.safetensors"), "--config", Config, "--image", SharedFolder.Get("fixtures", "preprocess", "img0_300x200.png"),
                  "--out", temp.File("o.safetensors")).ShouldFailWithOneLine("weights.safetensors");
    }

    [Theory]
    [InlineData("embed", new[] { "--weights", "--config", "--vocab", "--image", "--text", "--texts-json", "--out" })]
    [InlineData("tokenize", new[] { "--vocab", "--context-length", "[default: 77]", "--truncate", "--pad", "[default: openai]", "--texts-json", "--out" })]
    [InlineData("zeroshot", new[] { "--weights", "--config", "--vocab", "--data", "--templates", "[default: photo]", "--batch-size", "[default: 64]", "--json" })]
    public void Help_DocumentsEveryOption(string command, string[] fragments)
    {
        var run = CliRun.Of(command, "--help");
        run.ExitCode.Should().Be(0);
        foreach (var fragment in fragments) run.Output.Should().Contain(fragment);
    }
}
