using Xunit.Abstractions;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Checkpoints;

/// <summary>
/// Every weight file of the tiny reference models, loaded and run on the reference inputs, reproduces OpenAI CLIP's
/// outputs (encode_image, encode_text, logits_per_image) within 1e-5 + 1e-4·|ref|.
/// </summary>
public sealed class ClipParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string, bool> Files => new()
    {
        // model, weight file, reference outputs, pass the config from config.json (false: the loader finds it)
        { "vit-tiny", "model.pt", "outputs.safetensors", true },
        { "vit-tiny", "model.safetensors", "outputs.safetensors", true },
        { "vit-tiny", "model.fp16.pt", "outputs.fp16.safetensors", true },
        { "vit-tiny", "model.fp16.safetensors", "outputs.fp16.safetensors", true },
        { "vit-tiny", "hf/model.safetensors", "outputs.safetensors", false },
        { "vit-tiny", "model.jit.pt", "outputs.safetensors", true },
        { "rn-tiny", "model.pt", "outputs.safetensors", true },
        { "rn-tiny", "model.safetensors", "outputs.safetensors", true },
        { "rn-tiny", "model.jit.pt", "outputs.safetensors", true },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_EveryWeightFile_ReproducesTheReferenceOutputs(string model, string file, string outputs, bool passConfig)
    {
        using var clip = ClipCheckpoint.Load(ClipFixtures.File(model, file), passConfig ? ClipFixtures.Config(model) : null);
        var inputs = ClipFixtures.Tensors(model, "inputs.safetensors");
        var expected = ClipFixtures.Tensors(model, outputs);

        using (torch.no_grad())
        {
            using var image = clip.EncodeImage(inputs["pixel_values"]);
            using var text = clip.EncodeText(inputs["input_ids"]);
            using var logits = clip.call(inputs["pixel_values"], inputs["input_ids"]);

            clip.DType.Should().Be(ScalarType.Float32, "fp16 files load into float32 by default");
            output.WriteLine($"{model}/{file}: max |diff| image {MaxDiff(image, expected["image_embeds"]):G3}, " +
                             $"text {MaxDiff(text, expected["text_embeds"]):G3}, logits {MaxDiff(logits, expected["logits_per_image"]):G3}");
            TensorAssert.Close(image, expected["image_embeds"], $"{model}/{file} image_embeds");
            TensorAssert.Close(text, expected["text_embeds"], $"{model}/{file} text_embeds");
            TensorAssert.Close(logits, expected["logits_per_image"], $"{model}/{file} logits_per_image");
        }
    }

    private static double MaxDiff(Tensor a, Tensor b)
    {
        using var d = (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }
}
