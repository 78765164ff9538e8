using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Clip.Tests.Teacher;

/// <summary>ClipTeacher on the tiny reference models: parity with openai/CLIP's outputs and the frozen-teacher invariants.</summary>
public sealed class ClipTeacherTests
{
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    // The fixture prompts 0, 1, 3 and 4 (prompt 2 is empty, which is no class name).
    private static readonly string[] FixturePrompts =
        ["a photo of a dog.", "a diagram of a cat", "An Überraschung: 東京タワー &amp; 🐶 at 3:45pm!!", LongPrompt()];

    private static string LongPrompt() =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(ClipFixtures.File("vit-tiny", "config.json")))
            .RootElement.GetProperty("inputs").GetProperty("prompts")[4].GetString()!;

    private static ClipTeacher Load(string model, IReadOnlyList<string> classes, ClipTeacherOptions? options = null, string file = "model.safetensors") =>
        ClipTeacher.Load(ClipFixtures.File(model, file), classes,
            (options ?? new ClipTeacherOptions()) with { VocabularyPath = Vocabulary, Config = ClipFixtures.Config(model) });

    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void Encode_FixtureImages_GivesOpenAIsNormalisedEmbeddingsAndLogits(string model)
    {
        using var teacher = Load(model, FixturePrompts, new ClipTeacherOptions { Templates = ["{c}"] });
        var inputs = ClipFixtures.Tensors(model, "inputs.safetensors");
        var outputs = ClipFixtures.Tensors(model, "outputs.safetensors");

        var embeddings = teacher.Encode(inputs["pixel_values"]);

        TensorAssert.Close(embeddings.Image, outputs["image_embeds_normalized"], "teacher image embeddings");
        var columns = torch.tensor(new long[] { 0, 1, 3, 4 });
        TensorAssert.Close(embeddings.ClassText, outputs["text_embeds_normalized"].index_select(0, columns), "class text of single-template prompts");
        TensorAssert.Close(embeddings.ZeroShotLogits(), outputs["logits_per_image"].index_select(1, columns), "zero-shot logits");
        teacher.LogitScale.Should().BeApproximately(outputs["logit_scale_exp"].item<float>(), 1e-4);
    }

    [Fact]
    public void Encode_ReturnsUnitNormRowsAndLogitsAreScaledCosines()
    {
        using var teacher = Load("vit-tiny", ["dog", "cat", "guitar"]);
        using var images = torch.randn(5, 3, 32, 32, generator: new torch.Generator(7)); // ImageNet-normalised-like values

        var embeddings = teacher.Encode(images);

        embeddings.Image.shape.Should().Equal([5, 32]);
        embeddings.Image.dtype.Should().Be(ScalarType.Float32);
        TensorAssert.Close(embeddings.Image.norm(1), torch.ones(5), "image embedding norms", atol: 1e-6, rtol: 0);
        TensorAssert.Close(embeddings.ClassText.norm(1), torch.ones(3), "class text norms", atol: 1e-6, rtol: 0);
        var raw = teacher.Model.EncodeImage(images).detach();
        var cosine = nn.functional.cosine_similarity(raw.unsqueeze(1), embeddings.ClassText.unsqueeze(0), dim: -1); // [5, 3]
        TensorAssert.Close(embeddings.ZeroShotLogits(), teacher.LogitScale * cosine, "zero-shot logits", atol: 1e-4, rtol: 1e-5);
    }

    [Fact]
    public void ClassText_IsTheNormalisedMeanOfNormalisedTemplateEmbeddings()
    {
        string[] templates = ["a photo of a {c}", "a sketch of the {c}.", "itap of a {c}"];
        string[] classes = ["dog", "alarm clock"];
        using var teacher = Load("vit-tiny", classes, new ClipTeacherOptions { Templates = templates });
        var tokenizer = ClipTokenizer.FromOpenAIVocabulary(Vocabulary, new ClipTokenizerOptions { Truncate = true });

        for (int c = 0; c < classes.Length; c++)
        {
            var rows = templates.Select(t => tokenizer.Encode(t.Replace("{c}", classes[c]))).ToArray();
            using var ids = torch.tensor(rows.SelectMany(r => r).Select(i => (long)i).ToArray(), [rows.Length, 77]);
            using var text = teacher.Model.EncodeText(ids).detach();
            var perTemplate = text / text.norm(1, keepdim: true);
            var mean = perTemplate.mean([0]);
            var expected = mean / mean.norm();
            TensorAssert.Close(teacher.ClassText[c], expected, $"class text of '{classes[c]}'", atol: 1e-6, rtol: 0);
        }
    }

    [Fact]
    public void DefaultOptions_AreThePapersSingleTemplateAndTheStudentsTensor()
    {
        var options = new ClipTeacherOptions();
        options.Templates.Should().Equal("a photo of a {c}");
        options.InputNormalization.Should().Be(TeacherInputNormalization.SameAsStudent);
        options.ResizeToModelResolution.Should().BeFalse();
    }

    [Fact]
    public void ClipStatistics_RenormalisesAnImageNetTensorToClipsInput()
    {
        var inputs = ClipFixtures.Tensors("vit-tiny", "inputs.safetensors");
        var outputs = ClipFixtures.Tensors("vit-tiny", "outputs.safetensors");
        var clipPixels = inputs["pixel_values"];                                   // CLIP-normalised
        var unit = clipPixels * Stats(ClipPreprocessOptions.OpenAIStd) + Stats(ClipPreprocessOptions.OpenAIMean);
        var imageNet = (unit - Stats(AugmentationOptions.ImageNetMean)) / Stats(AugmentationOptions.ImageNetStd);
        using var teacher = Load("vit-tiny", ["dog"], new ClipTeacherOptions { InputNormalization = TeacherInputNormalization.ClipStatistics });
        using var sameAsStudent = Load("vit-tiny", ["dog"]);

        TensorAssert.Close(teacher.Encode(imageNet).Image, outputs["image_embeds_normalized"], "re-normalised teacher embeddings");
        var unconverted = sameAsStudent.Encode(imageNet).Image;
        (unconverted - outputs["image_embeds_normalized"]).abs().max().item<float>().Should()
            .BeGreaterThan(1e-3f, "without re-normalisation the teacher sees other pixel statistics");
    }

    private static Tensor Stats(IReadOnlyList<float> values) => torch.tensor(values.ToArray()).reshape(1, 3, 1, 1);

    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void Teacher_IsFrozen_NoGradientsAndWeightsAndBatchNormStatisticsUnchanged(string model)
    {
        using var teacher = Load(model, ["dog", "cat"]);
        int r = teacher.ImageResolution;
        var before = teacher.Model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());

        teacher.Model.parameters().Should().OnlyContain(p => !p.requires_grad);
        teacher.Model.training.Should().BeFalse();
        using var images = torch.randn(4, 3, r, r, requires_grad: true);
        var embeddings = teacher.Encode(images);
        embeddings.Image.requires_grad.Should().BeFalse();
        embeddings.ClassText.requires_grad.Should().BeFalse();
        teacher.Encode(torch.randn(2, 3, r, r) * 3);

        foreach (var (name, tensor) in teacher.Model.state_dict())
        {
            Identical.Tensors(tensor, before[name]).Should().BeTrue($"{name} must not change while the teacher encodes");
        }
    }

    [Fact]
    public void Encode_WrongResolution_ThrowsUnlessResizingIsOn()
    {
        using var strict = Load("vit-tiny", ["dog"]);
        using var big = torch.rand(2, 3, 64, 48);

        var act = () => strict.Encode(big);
        act.Should().Throw<ArgumentException>().WithMessage("*[2, 3, 64, 48]*32×32*ResizeToModelResolution*");

        using var resizing = Load("vit-tiny", ["dog"], new ClipTeacherOptions { ResizeToModelResolution = true });
        var resized = nn.functional.interpolate(big, size: [32, 32], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true);
        var expected = nn.functional.normalize(resizing.Model.EncodeImage(resized).detach(), dim: -1);
        TensorAssert.Close(resizing.Encode(big).Image, expected, "resized teacher embeddings", atol: 1e-6, rtol: 0);
    }

    [Fact]
    public void Encode_SampleKeyCountMustMatchTheBatch()
    {
        using var teacher = Load("vit-tiny", ["dog"]);
        var act = () => teacher.Encode(torch.rand(2, 3, 32, 32), ["only-one"]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 sample keys*2 images*");
    }

    [Fact]
    public void Fingerprint_DependsOnWeightsAndOptionsNotOnTheFileFormat()
    {
        using var a = Load("vit-tiny", ["dog", "cat"]);
        using var samePt = Load("vit-tiny", ["dog", "cat"], file: "model.pt");
        using var clipStats = Load("vit-tiny", ["dog", "cat"], new ClipTeacherOptions { InputNormalization = TeacherInputNormalization.ClipStatistics });
        using var otherTemplates = Load("vit-tiny", ["dog", "cat"], new ClipTeacherOptions { Templates = PromptTemplates.OpenClipSimple });
        using var otherModel = Load("rn-tiny", ["dog", "cat"]);

        a.Fingerprint.Should().MatchRegex("^[0-9a-f]{64}$");
        samePt.Fingerprint.Should().Be(a.Fingerprint, "the same weights from a .pt file are the same teacher");
        new[] { clipStats.Fingerprint, otherTemplates.Fingerprint, otherModel.Fingerprint }.Should().NotContain(a.Fingerprint).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Load_WithoutVocabulary_OrWithATemplateWithoutPlaceholder_Throws()
    {
        var noVocabulary = () => ClipTeacher.Load(ClipFixtures.File("vit-tiny", "model.safetensors"), ["dog"], new ClipTeacherOptions());
        noVocabulary.Should().Throw<ArgumentException>().WithMessage("*VocabularyPath*");

        var badTemplate = () => Load("vit-tiny", ["dog"], new ClipTeacherOptions { Templates = ["a photo"] });
        badTemplate.Should().Throw<ArgumentException>().WithMessage("*Templates[0]*{c}*");
    }
}
