using System.Text.Json;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Tests.Imaging;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v embed</c> end to end on the fixture images and prompts reproduces openai/CLIP's outputs.safetensors.</summary>
public sealed class EmbedCommandTests
{
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    [Theory]
    [InlineData("vit-tiny", "model.safetensors", true)]
    [InlineData("vit-tiny", "hf/model.safetensors", false)]   // Hugging Face names; the config.json beside them is read
    [InlineData("rn-tiny", "model.jit.pt", true)]
    public void Embed_FixtureImagesAndPrompts_ReproducesOutputsSafetensors(string model, string weights, bool passConfig)
    {
        using var temp = new TempFolder();
        using var config = JsonDocument.Parse(File.ReadAllText(ClipFixtures.File(model, "config.json")));
        var inputs = config.RootElement.GetProperty("inputs");
        var images = inputs.GetProperty("images").EnumerateArray().Select(i => Path.GetFullPath(ClipFixtures.File(model, i.GetString()!))).ToList();
        var prompts = inputs.GetProperty("prompts").EnumerateArray().Select(p => p.GetString()!).ToList();
        images.Should().HaveCount(4);
        // Prompt 0 goes through --text, the rest through --texts-json (appended after --text).
        string textsJson = temp.File("texts.json");
        File.WriteAllText(textsJson, JsonSerializer.Serialize(prompts.Skip(1)));
        string output = temp.File("out.safetensors");

        string[] configArgs = passConfig ? ["--config", ClipFixtures.File(model, "config.json")] : [];
        var run = CliRun.Of(["embed", "--weights", ClipFixtures.File(model, weights), .. configArgs,
                             "--vocab", Vocabulary, "--image", .. images, "--text", prompts[0], "--texts-json", textsJson, "--out", output]);

        run.ExitCode.Should().Be(0, run.Error);
        var actual = new SafetensorsTestFile(output);
        var expected = new SafetensorsTestFile(ClipFixtures.File(model, "outputs.safetensors"));
        foreach (var name in new[] { "image_embeds", "text_embeds", "logits_per_image" })
        {
            actual.Shape(name).Should().Equal(expected.Shape(name), name);
            using var a = torch.tensor(actual.F32(name));
            using var b = torch.tensor(expected.F32(name));
            TensorAssert.Close(a, b, $"vl2v embed {name} ({model})");
        }
        Directory.GetFiles(temp.Root).Select(Path.GetFileName).Should().BeEquivalentTo(["texts.json", "out.safetensors"], "no temporary file is left behind");
    }

    [Fact]
    public void Embed_OnlyImages_WritesOnlyImageEmbeddingsAndNeedsNoVocabulary()
    {
        using var temp = new TempFolder();
        string output = temp.File("images.safetensors");
        var run = CliRun.Of("embed", "--weights", ClipFixtures.File("vit-tiny", "model.safetensors"), "--config", ClipFixtures.File("vit-tiny", "config.json"),
                            "--image", SharedFolder.Get("fixtures", "preprocess", "img2_500x500.png"), "--out", output);

        run.ExitCode.Should().Be(0, run.Error);
        var file = new SafetensorsTestFile(output);
        file.Shape("image_embeds").Should().Equal([1, 32]);
        var names = () => file.Shape("text_embeds");
        names.Should().Throw<KeyNotFoundException>();
        var pixels = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = 32 }).Preprocess(SharedFolder.Get("fixtures", "preprocess", "img2_500x500.png"));
        var expected = new SafetensorsTestFile(ClipFixtures.File("vit-tiny", "outputs.safetensors"));
        using var a = torch.tensor(file.F32("image_embeds"));
        using var b = torch.tensor(expected.F32("image_embeds")).reshape(4, 32)[2];
        pixels.shape.Should().Equal([3, 32, 32]);
        TensorAssert.Close(a, b, "image 2 alone");
    }
}
