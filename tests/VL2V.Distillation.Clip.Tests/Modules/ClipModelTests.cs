using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Modules;

public sealed class ClipModelTests
{
    private static ClipModel LoadVit() => ClipCheckpoint.Load(ClipFixtures.File("vit-tiny", "model.safetensors"), ClipFixtures.Config("vit-tiny"));

    [Fact]
    public void EncodeText_TokensAfterTheFirstEot_DoNotChangeTheEmbedding()
    {
        using var clip = LoadVit();
        var ids = ClipFixtures.Tensors("vit-tiny", "inputs.safetensors")["input_ids"];
        // Prompt 0 ends at index 7 (README). Pool at the first maximum: a second EOT and other tokens after it are masked
        // out by the causal attention and must not move the pooled position.
        var changed = ids.clone();
        changed[0, 9] = torch.tensor(49407L);
        changed[0, 12] = torch.tensor(320L);

        using (torch.no_grad())
        {
            using var a = clip.EncodeText(ids);
            using var b = clip.EncodeText(changed);
            TensorAssert.Close(b[0], a[0], "embedding of the text with a later second EOT", atol: 0, rtol: 0);
        }
    }

    [Fact]
    public void EncodeText_Int32Ids_GiveTheInt64Result()
    {
        using var clip = LoadVit();
        var ids = ClipFixtures.Tensors("vit-tiny", "inputs.safetensors")["input_ids"];

        using (torch.no_grad())
        {
            using var a = clip.EncodeText(ids);
            using var b = clip.EncodeText(ids.to_type(ScalarType.Int32));
            TensorAssert.Close(b, a, "int32 ids", atol: 0, rtol: 0);
        }
    }

    [Fact]
    public void EncodeText_IsTheReferencePooledStateTimesTextProjection()
    {
        using var clip = LoadVit();
        var inputs = ClipFixtures.Tensors("vit-tiny", "inputs.safetensors");
        var reference = ClipFixtures.Tensors("vit-tiny", "intermediates.safetensors");
        var weights = ClipFixtures.Tensors("vit-tiny", "model.safetensors");

        using (torch.no_grad())
        {
            using var text = clip.EncodeText(inputs["input_ids"]);
            using var expected = reference["text.pooled"].matmul(weights["text_projection"]);   // [5, 16] @ [16, 32]
            TensorAssert.Close(text, expected, "text_embeds vs pooled @ text_projection");
        }
    }

    [Fact]
    public void LogitScale_IsTheReferenceExponentiatedTemperature()
    {
        using var clip = LoadVit();
        var expected = ClipFixtures.Tensors("vit-tiny", "outputs.safetensors")["logit_scale_exp"].item<float>();

        clip.LogitScale.Should().BeApproximately(expected, 1e-5 * expected);
    }

    [Theory]
    [InlineData(new long[] { 4, 3, 64, 64 }, "has shape [4, 3, 64, 64] but this CLIP model takes [B, 3, 32, 32]; resize and crop the images to 32 pixels.")]
    [InlineData(new long[] { 3, 32, 32 }, "has shape [3, 32, 32] but must have rank 4, shape [B, 3, 32, 32].")]
    public void EncodeImage_WrongShape_Throws(long[] shape, string message)
    {
        using var clip = LoadVit();

        var act = () => clip.EncodeImage(torch.zeros(shape));

        act.Should().Throw<ArgumentException>().WithMessage("Tensor 'images' " + message + "*");
    }

    [Fact]
    public void EncodeText_WrongLengthOrDtype_Throws()
    {
        using var clip = LoadVit();

        var tooShort = () => clip.EncodeText(torch.zeros(2, 10, dtype: ScalarType.Int64));
        var floats = () => clip.EncodeText(torch.zeros(2, 77));

        tooShort.Should().Throw<ArgumentException>().WithMessage("Tensor 'ids' has shape [2, 10] but this CLIP model takes [N, 77]; pad or truncate to 77 tokens.*");
        floats.Should().Throw<ArgumentException>().WithMessage("Tensor 'ids' [2, 77] has dtype Float32 but must hold int64 token ids.*");
    }
}
