using System.Text.Json;
using System.Text.RegularExpressions;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Modules;

/// <summary>
/// The full-size presets, built on the meta device (shapes only, no memory, no global default changed), have
/// OpenAI's key structure (the tiny fixtures' keys with more blocks), known tensor shapes, and the parameter counts
/// of OpenAI's released models.
/// </summary>
public sealed class ClipModelShapeTests
{
    private static readonly Device Meta = new(DeviceType.META);

    private static Dictionary<string, long[]> Shapes(ClipConfig config)
    {
        using var model = new ClipModel(config, Meta);
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
    }

    private static List<string> FixtureKeys(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ClipFixtures.File(model, "config.json")));
        return doc.RootElement.GetProperty("state_dict").EnumerateObject().Select(p => p.Name).ToList();
    }

    // Parameter counts (sum of p.numel() over model.parameters(), buffers excluded) of OpenAI's released checkpoints,
    // as published alongside clip.available_models() in third-party analyses and model cards
    // (e.g. ViT-B/32 151,277,313 and ViT-B/16 149,620,737 in the MTEB and KerasHub model metadata).
    [Theory]
    [InlineData("RN50", 102_007_137L)]
    [InlineData("RN101", 119_688_033L)]
    [InlineData("RN50x4", 178_300_601L)]
    [InlineData("RN50x16", 290_979_217L)]
    [InlineData("RN50x64", 623_258_305L)]
    [InlineData("ViT-B/32", 151_277_313L)]
    [InlineData("ViT-B/16", 149_620_737L)]
    [InlineData("ViT-L/14", 427_616_513L)]
    [InlineData("ViT-L/14@336px", 427_944_193L)]
    public void Constructor_Preset_HasTheReleasedModelsParameterCount(string name, long expected)
    {
        using var model = new ClipModel(ClipPresets.Get(name), Meta);

        model.parameters().Sum(p => p.numel()).Should().Be(expected);
        model.parameters().Should().OnlyContain(p => p.device_type == DeviceType.META, "nothing is allocated");
    }

    [Fact]
    public void Constructor_VitB16_HasTheTinyViTKeysWithTwelveBlocksAndKnownShapes()
    {
        var shapes = Shapes(ClipPresets.VitB16);

        var expectedKeys = FixtureKeys("vit-tiny")
            .SelectMany(k => Regex.IsMatch(k, @"resblocks\.0\.")
                ? Enumerable.Range(0, 12).Select(i => k.Replace("resblocks.0.", $"resblocks.{i}."))
                : Regex.IsMatch(k, @"resblocks\.[1-9]") ? [] : [k]);
        shapes.Keys.Should().BeEquivalentTo(expectedKeys);
        shapes["visual.conv1.weight"].Should().Equal(768, 3, 16, 16);
        shapes["visual.class_embedding"].Should().Equal(768);
        shapes["visual.positional_embedding"].Should().Equal(197, 768);           // (224/16)² + 1
        shapes["visual.proj"].Should().Equal(768, 512);
        shapes["visual.transformer.resblocks.11.attn.in_proj_weight"].Should().Equal(2304, 768);
        shapes["visual.transformer.resblocks.11.mlp.c_fc.weight"].Should().Equal(3072, 768);
        shapes["token_embedding.weight"].Should().Equal(49408, 512);
        shapes["positional_embedding"].Should().Equal(77, 512);
        shapes["transformer.resblocks.11.attn.in_proj_weight"].Should().Equal(1536, 512);
        shapes["transformer.resblocks.11.mlp.c_proj.weight"].Should().Equal(512, 2048);
        shapes["text_projection"].Should().Equal(512, 512);
        shapes["logit_scale"].Should().BeEmpty();
    }

    [Fact]
    public void Constructor_RN50_HasTheTinyResNetKeysWithMoreBlocksAndKnownShapes()
    {
        int[] blocks = [3, 4, 6, 3];
        var shapes = Shapes(ClipPresets.RN50);

        // rn-tiny has one block per stage; RN50's further blocks repeat block 0's keys without the downsample.
        var tiny = FixtureKeys("rn-tiny");
        var expectedKeys = tiny.Concat(
            from s in Enumerable.Range(1, 4)
            from j in Enumerable.Range(1, blocks[s - 1] - 1)
            from k in tiny
            where k.StartsWith($"visual.layer{s}.0.", StringComparison.Ordinal) && !k.Contains(".downsample.")
            select k.Replace($"visual.layer{s}.0.", $"visual.layer{s}.{j}."));
        expectedKeys = expectedKeys.SelectMany(k => Regex.IsMatch(k, @"^transformer\.resblocks\.0\.")
            ? Enumerable.Range(0, 12).Select(i => k.Replace("resblocks.0.", $"resblocks.{i}."))
            : Regex.IsMatch(k, @"^transformer\.resblocks\.[1-9]") ? [] : [k]);
        shapes.Keys.Should().BeEquivalentTo(expectedKeys);
        shapes["visual.conv1.weight"].Should().Equal(32, 3, 3, 3);                // stem: width/2, stride 2
        shapes["visual.conv3.weight"].Should().Equal(64, 32, 3, 3);
        shapes["visual.layer1.0.conv1.weight"].Should().Equal(64, 64, 1, 1);
        shapes["visual.layer1.0.downsample.0.weight"].Should().Equal(256, 64, 1, 1);
        shapes["visual.layer4.2.conv3.weight"].Should().Equal(2048, 512, 1, 1);
        shapes["visual.layer4.0.downsample.0.weight"].Should().Equal(2048, 1024, 1, 1);
        shapes["visual.attnpool.positional_embedding"].Should().Equal(50, 2048); // (224/32)² + 1
        shapes["visual.attnpool.q_proj.weight"].Should().Equal(2048, 2048);
        shapes["visual.attnpool.c_proj.weight"].Should().Equal(1024, 2048);
        shapes["visual.bn1.num_batches_tracked"].Should().BeEmpty();
        shapes["text_projection"].Should().Equal(512, 1024);
    }

    [Fact]
    public void Constructor_ResNetInFloat16_KeepsNumBatchesTrackedInt64()
    {
        using var model = new ClipModel(ClipFixtures.Config("rn-tiny"), Meta, ScalarType.Float16);

        var sd = model.state_dict();
        sd["visual.layer1.0.bn1.num_batches_tracked"].dtype.Should().Be(ScalarType.Int64);
        sd["visual.layer1.0.bn1.running_var"].dtype.Should().Be(ScalarType.Float16);
        sd["logit_scale"].dtype.Should().Be(ScalarType.Float16);
    }

    [Fact]
    public void Constructor_InvalidConfig_ThrowsListingEveryProblem()
    {
        var config = ClipPresets.VitB32 with { ImageResolution = 225, TransformerHeads = 3, VisionLayers = [12, 1] };

        var act = () => new ClipModel(config, Meta);

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(
            "The 'ClipConfig' is invalid:" + Environment.NewLine +
            "- TransformerWidth (512) must be divisible by TransformerHeads (3)." + Environment.NewLine +
            "- VisionLayers must be one block count ≥ 1 for a ViT (VisionPatchSize is set) (was [12, 1])." + Environment.NewLine +
            "- ImageResolution (225) must be a multiple of VisionPatchSize (32).");
    }
}
