using VL2V.Distillation.Students;

namespace VL2V.Distillation.Tests.Students;

public sealed class VitKeyMapTests
{
    [Theory]
    [InlineData("class_token", "cls_token")]
    [InlineData("conv_proj.weight", "patch_embed.proj.weight")]
    [InlineData("conv_proj.bias", "patch_embed.proj.bias")]
    [InlineData("encoder.pos_embedding", "pos_embed")]
    [InlineData("encoder.ln.weight", "norm.weight")]
    [InlineData("encoder.layers.encoder_layer_0.ln_1.weight", "blocks.0.norm1.weight")]
    [InlineData("encoder.layers.encoder_layer_11.ln_2.bias", "blocks.11.norm2.bias")]
    [InlineData("encoder.layers.encoder_layer_3.self_attention.in_proj_weight", "blocks.3.attn.qkv.weight")]
    [InlineData("encoder.layers.encoder_layer_3.self_attention.in_proj_bias", "blocks.3.attn.qkv.bias")]
    [InlineData("encoder.layers.encoder_layer_3.self_attention.out_proj.weight", "blocks.3.attn.proj.weight")]
    [InlineData("encoder.layers.encoder_layer_7.mlp.0.weight", "blocks.7.mlp.fc1.weight")]
    [InlineData("encoder.layers.encoder_layer_7.mlp.3.bias", "blocks.7.mlp.fc2.bias")]
    [InlineData("encoder.layers.encoder_layer_7.mlp.linear_1.weight", "blocks.7.mlp.fc1.weight")]
    [InlineData("encoder.layers.encoder_layer_7.mlp.linear_2.bias", "blocks.7.mlp.fc2.bias")]
    [InlineData("heads.head.weight", null)]
    [InlineData("heads.pre_logits.weight", "heads.pre_logits.weight")]
    public void FromTorchvision_MapsToTimmNames(string key, string? expected) =>
        VitKeyMap.FromTorchvision(key).Should().Be(expected);

    [Theory]
    [InlineData("blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.weight")]
    [InlineData("dist_token", "dist_token")]
    [InlineData("head.weight", null)]
    [InlineData("head_dist.bias", null)]
    [InlineData("fc_norm.weight", "fc_norm.weight")]
    public void FromTimm_KeepsNamesAndDropsHeads(string key, string? expected) =>
        VitKeyMap.FromTimm(key).Should().Be(expected);

    [Theory]
    [InlineData(VitKeyMap.Torchvision, "class_token", "conv_proj.weight")]
    [InlineData(VitKeyMap.Torchvision, "encoder.pos_embedding")]
    [InlineData(VitKeyMap.Timm, "cls_token", "pos_embed", "blocks.0.norm1.weight")]
    public void DetectConvention_RecognisesTheLibrary(string expected, params string[] keys) =>
        VitKeyMap.DetectConvention(keys).Should().Be(expected);
}
