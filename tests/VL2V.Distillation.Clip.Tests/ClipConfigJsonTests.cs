namespace VL2V.Distillation.Clip.Tests;

public sealed class ClipConfigJsonTests
{
    // open_clip's src/open_clip/model_configs/ViT-B-32.json and RN50.json (the architecture fields).
    private const string OpenClipVitB32 = """
        {
            "embed_dim": 512,
            "vision_cfg": { "image_size": 224, "layers": 12, "width": 768, "patch_size": 32 },
            "text_cfg": { "context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12 }
        }
        """;

    private const string OpenClipRN50 = """
        {
            "embed_dim": 1024,
            "quick_gelu": true,
            "vision_cfg": { "image_size": 224, "layers": [3, 4, 6, 3], "width": 64, "patch_size": null },
            "text_cfg": { "context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12 }
        }
        """;

    [Fact]
    public void FromJson_OpenClipWithoutQuickGelu_IsTheOpenAiArchitectureWithGelu()
    {
        ClipConfig.FromJson(OpenClipVitB32).Should().Be(ClipPresets.VitB32 with { Activation = ClipActivation.Gelu });
    }

    [Fact]
    public void FromJson_OpenClipResNetWithQuickGelu_IsThePreset()
    {
        ClipConfig.FromJson(OpenClipRN50).Should().Be(ClipPresets.RN50);
    }

    [Fact]
    public void FromJson_OpenClipHeadWidth_SetsVisionHeads()
    {
        var json = OpenClipVitB32.Replace("\"patch_size\": 32", "\"patch_size\": 32, \"head_width\": 128");

        ClipConfig.FromJson(json).VisionHeads.Should().Be(6);
    }

    [Fact]
    public void FromJson_OpenAiArguments_AreReadDirectly()
    {
        const string json = """
            { "embed_dim": 512, "image_resolution": 224, "vision_layers": 12, "vision_width": 768, "vision_patch_size": 16,
              "context_length": 77, "vocab_size": 49408, "transformer_width": 512, "transformer_heads": 8, "transformer_layers": 12 }
            """;

        ClipConfig.FromJson(json).Should().Be(ClipPresets.VitB16);
    }

    [Fact]
    public void FromJson_HuggingFaceDefaults_AreTransformersDefaults()
    {
        // transformers' CLIPConfig() defaults describe ViT-B/32 with explicit vision heads (12).
        ClipConfig.FromJson("""{ "model_type": "clip" }""").Should().Be(ClipPresets.VitB32 with { VisionHeads = 12 });
    }

    [Theory]
    [InlineData("{ \"embed_dim\": ", "is not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object but is a JSON Array")]
    [InlineData("{ \"name\": \"x\" }", "is not a known form. Expected an open_clip model config")]
    [InlineData("{ \"embed_dim\": 512, \"vision_cfg\": { \"timm_model_name\": \"vit_base\" }, \"text_cfg\": {} }", "'vision_cfg.timm_model_name' is not supported")]
    [InlineData("{ \"embed_dim\": 512, \"vision_cfg\": {}, \"text_cfg\": { \"hf_model_name\": \"bert\" } }", "'text_cfg.hf_model_name' is not supported")]
    [InlineData("{ \"embed_dim\": 512, \"vision_cfg\": { \"mlp_ratio\": 2.0 }, \"text_cfg\": {} }", "'vision_cfg.mlp_ratio' is not supported: CLIP blocks have an MLP ratio of 4 (was 2.0)")]
    [InlineData("{ \"embed_dim\": 512, \"vision_cfg\": { \"image_size\": [224, 256] }, \"text_cfg\": {} }", "'vision_cfg.image_size' must be one size or two equal sizes")]
    [InlineData("{ \"vision_cfg\": {}, \"text_cfg\": {} }", "'embed_dim' is required")]
    [InlineData("{ \"embed_dim\": \"512\", \"vision_cfg\": {}, \"text_cfg\": {} }", "'embed_dim' must be an integer (was \"512\")")]
    [InlineData("{ \"text_config\": { \"hidden_act\": \"relu\" } }", "'text_config.hidden_act' 'relu' is not supported (expected 'quick_gelu' or 'gelu')")]
    [InlineData("{ \"text_config\": { \"hidden_act\": \"gelu\" } }", "'vision_config.hidden_act' is not supported: the text tower uses Gelu")]
    [InlineData("{ \"vision_config\": { \"intermediate_size\": 1000 } }", "'vision_config.intermediate_size' is not supported: only an MLP of 4 × hidden_size (3072) is supported")]
    [InlineData("{ \"vision_config\": { \"layer_norm_eps\": 1e-6 } }", "'vision_config.layer_norm_eps' is not supported: CLIP uses 1e-5")]
    [InlineData("{ \"embed_dim\": 512, \"image_resolution\": 224, \"vision_layers\": [3, 4], \"vision_width\": 64, \"vision_patch_size\": null, \"context_length\": 77, \"vocab_size\": 49408, \"transformer_width\": 512, \"transformer_heads\": 8, \"transformer_layers\": 12 }",
                "describes an invalid model: The 'ClipConfig' is invalid:")]
    public void FromJson_BadConfig_ThrowsNamingTheProblem(string json, string problem)
    {
        var act = () => ClipConfig.FromJson(json, "'cfg.json'");

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("'cfg.json'").And.Contain(problem);
    }

    [Fact]
    public void FromJsonFile_MissingFile_ThrowsFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "config.json");

        var act = () => ClipConfig.FromJsonFile(path);

        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be(path);
    }
}
