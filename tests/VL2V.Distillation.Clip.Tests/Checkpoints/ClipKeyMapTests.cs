using VL2V.Distillation.Clip.Checkpoints;

namespace VL2V.Distillation.Clip.Tests.Checkpoints;

public sealed class ClipKeyMapTests
{
    [Theory]
    [InlineData("text_model.embeddings.token_embedding.weight", "token_embedding.weight")]
    [InlineData("text_model.embeddings.position_embedding.weight", "positional_embedding")]
    [InlineData("text_model.encoder.layers.3.self_attn.out_proj.bias", "transformer.resblocks.3.attn.out_proj.bias")]
    [InlineData("text_model.encoder.layers.0.layer_norm1.weight", "transformer.resblocks.0.ln_1.weight")]
    [InlineData("text_model.encoder.layers.0.layer_norm2.bias", "transformer.resblocks.0.ln_2.bias")]
    [InlineData("text_model.encoder.layers.11.mlp.fc1.weight", "transformer.resblocks.11.mlp.c_fc.weight")]
    [InlineData("text_model.encoder.layers.11.mlp.fc2.bias", "transformer.resblocks.11.mlp.c_proj.bias")]
    [InlineData("text_model.final_layer_norm.bias", "ln_final.bias")]
    [InlineData("vision_model.embeddings.class_embedding", "visual.class_embedding")]
    [InlineData("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight")]
    [InlineData("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding")]
    [InlineData("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight")]
    [InlineData("vision_model.encoder.layers.1.mlp.fc1.bias", "visual.transformer.resblocks.1.mlp.c_fc.bias")]
    [InlineData("vision_model.post_layernorm.bias", "visual.ln_post.bias")]
    [InlineData("logit_scale", "logit_scale")]
    [InlineData("vision_model.something_new", "vision_model.something_new")]
    public void Normalize_HuggingFaceKey_MapsToOpenAiName(string hf, string openai)
    {
        using var t = torch.zeros(2);
        var sd = new Dictionary<string, Tensor> { [hf] = t, ["text_model.embeddings.position_ids"] = torch.zeros(1, 77) };

        var result = ClipKeyMap.Normalize(sd);

        result.Keys.Should().Equal(openai);
    }

    [Fact]
    public void Normalize_HuggingFaceQkvAndProjections_MergesRowsQkvAndTransposes()
    {
        var sd = new Dictionary<string, Tensor>
        {
            ["vision_model.encoder.layers.0.self_attn.q_proj.weight"] = torch.full(2, 2, 1f),
            ["vision_model.encoder.layers.0.self_attn.k_proj.weight"] = torch.full(2, 2, 2f),
            ["vision_model.encoder.layers.0.self_attn.v_proj.weight"] = torch.full(2, 2, 3f),
            ["vision_model.encoder.layers.0.self_attn.q_proj.bias"] = torch.full(2, 1f),
            ["vision_model.encoder.layers.0.self_attn.k_proj.bias"] = torch.full(2, 2f),
            ["vision_model.encoder.layers.0.self_attn.v_proj.bias"] = torch.full(2, 3f),
            ["visual_projection.weight"] = torch.arange(6f).reshape(3, 2),   // [E, W]
            ["text_projection.weight"] = torch.arange(6f).reshape(2, 3),
        };

        var result = ClipKeyMap.Normalize(sd);

        result.Keys.Should().BeEquivalentTo("visual.transformer.resblocks.0.attn.in_proj_weight",
            "visual.transformer.resblocks.0.attn.in_proj_bias", "visual.proj", "text_projection");
        result["visual.transformer.resblocks.0.attn.in_proj_weight"].shape.Should().Equal(6, 2);
        result["visual.transformer.resblocks.0.attn.in_proj_weight"][.., 0].data<float>().ToArray().Should().Equal(1f, 1f, 2f, 2f, 3f, 3f);
        result["visual.transformer.resblocks.0.attn.in_proj_bias"].data<float>().ToArray().Should().Equal(1f, 1f, 2f, 2f, 3f, 3f);
        result["visual.proj"].shape.Should().Equal(2, 3);
        result["visual.proj"].data<float>().ToArray().Should().Equal(0f, 2f, 4f, 1f, 3f, 5f);
        result["text_projection"].shape.Should().Equal(3, 2);
    }

    [Fact]
    public void Normalize_OpenAiDictWithTorchScriptExtras_DropsTheZeroDimBuffersOnly()
    {
        var sd = new Dictionary<string, Tensor>
        {
            ["input_resolution"] = torch.tensor(224L),
            ["context_length"] = torch.tensor(77L),
            ["vocab_size"] = torch.tensor(49408L),
            ["logit_scale"] = torch.tensor(4.6f),
            ["visual.proj"] = torch.zeros(4, 2),
        };

        ClipKeyMap.Normalize(sd).Keys.Should().BeEquivalentTo("logit_scale", "visual.proj");
    }
}
