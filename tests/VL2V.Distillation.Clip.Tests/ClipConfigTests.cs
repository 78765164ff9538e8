using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests;

public sealed class ClipConfigTests
{
    private static readonly Device Meta = new(DeviceType.META);

    // The constructor arguments in each fixture's config.json (clip_constructor_args), written out independently.
    private static readonly ClipConfig VitTiny = new()
    {
        EmbedDim = 32, ImageResolution = 32, VisionLayers = [2], VisionWidth = 64, VisionPatchSize = 8,
        ContextLength = 77, VocabSize = 49408, TransformerWidth = 16, TransformerHeads = 2, TransformerLayers = 2,
        Activation = ClipActivation.QuickGelu,
    };

    private static readonly ClipConfig RnTiny = VitTiny with
    {
        ImageResolution = 64, VisionLayers = [1, 1, 1, 1], VisionWidth = 8, VisionPatchSize = null,
    };

    [Fact]
    public void FromJsonFile_FixtureConfigs_ReadTheOpenAiConstructorArguments()
    {
        ClipFixtures.Config("vit-tiny").Should().Be(VitTiny);
        ClipFixtures.Config("rn-tiny").Should().Be(RnTiny);
    }

    [Fact]
    public void FromJsonFile_HuggingFaceConfig_GivesTheSameModelWithExplicitVisionHeads()
    {
        var config = ClipConfig.FromJsonFile(ClipFixtures.File("vit-tiny", "hf", "config.json"));

        config.Should().Be(VitTiny with { VisionHeads = 1 });
        config.EffectiveVisionHeads.Should().Be(VitTiny.EffectiveVisionHeads);
    }

    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void InferFromStateDict_FixtureWeights_GivesTheConstructorArguments(string model)
    {
        var sd = ClipFixtures.Tensors(model, "model.safetensors");

        var config = ClipConfig.InferFromStateDict(sd, transformerHeads: 2);

        config.Should().Be(ClipFixtures.Config(model));
    }

    [Fact]
    public void InferFromStateDict_TinyTextWithoutHeads_ThrowsSayingHeadsCannotBeGuessed()
    {
        var sd = ClipFixtures.Tensors("vit-tiny", "model.safetensors");

        var act = () => ClipConfig.InferFromStateDict(sd);

        act.Should().Throw<InvalidDataException>()
            .WithMessage("*text heads are guessed as width / 64*TransformerHeads must be ≥ 1 (was 0).*Pass the ClipConfig (or transformerHeads) explicitly.");
    }

    [Theory]
    [InlineData("RN50")]
    [InlineData("RN101")]
    [InlineData("RN50x4")]
    [InlineData("RN50x16")]
    [InlineData("RN50x64")]
    [InlineData("ViT-B/32")]
    [InlineData("ViT-B/16")]
    [InlineData("ViT-L/14")]
    [InlineData("ViT-L/14@336px")]
    public void InferFromStateDict_PresetShapes_RoundTrip(string name)
    {
        var preset = ClipPresets.Get(name);
        using var model = new ClipModel(preset, Meta);

        ClipConfig.InferFromStateDict(model.state_dict()).Should().Be(preset);
    }

    [Fact]
    public void InferFromStateDict_MissingKey_ThrowsNamingIt()
    {
        var sd = ClipFixtures.Tensors("vit-tiny", "model.safetensors");
        sd.Remove("ln_final.weight");

        var act = () => ClipConfig.InferFromStateDict(sd, transformerHeads: 2);

        act.Should().Throw<InvalidDataException>().WithMessage("*has no 'ln_final.weight'*");
    }

    [Fact]
    public void Validate_EveryProblem_IsListed()
    {
        var config = RnTiny with { EmbedDim = 0, ImageResolution = 48, VisionLayers = [1, 1, 1], VisionWidth = 7, Activation = (ClipActivation)7 };

        var act = config.Validate;

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(string.Join(Environment.NewLine,
            "The 'ClipConfig' is invalid:",
            "- EmbedDim must be ≥ 1 (was 0).",
            "- Activation must be QuickGelu or Gelu (was 7).",
            "- VisionLayers must be four block counts ≥ 1 for a ModifiedResNet (VisionPatchSize is null) (was [1, 1, 1]).",
            "- ImageResolution (48) must be a multiple of 32 for a ModifiedResNet.",
            "- VisionWidth (7) must be even for a ModifiedResNet (its stem has VisionWidth/2 channels).",
            "- VisionWidth·32 (224) must be divisible by the vision heads (3 (derived: 64 channels per head))."));
    }

    [Fact]
    public void Validate_NarrowViTWithoutHeads_AsksForVisionHeads()
    {
        var act = (VitTiny with { VisionWidth = 48 }).Validate;

        act.Should().Throw<ArgumentException>().WithMessage("*needs ≥ 1 attention head (was 0 (derived: 64 channels per head)); set VisionHeads.");
        (VitTiny with { VisionWidth = 48, VisionHeads = 3 }).Validate();
    }

    [Fact]
    public void Presets_GetUnknownName_ListsTheKnownOnes()
    {
        var act = () => ClipPresets.Get("ViT-B-33");

        act.Should().Throw<ArgumentException>().WithMessage(
            "Unknown CLIP preset 'ViT-B-33'. Known presets: RN50, RN101, RN50x4, RN50x16, RN50x64, ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px.*");
    }
}
