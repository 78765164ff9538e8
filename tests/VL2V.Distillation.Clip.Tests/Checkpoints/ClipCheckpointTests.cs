using System.IO.Compression;
using TorchSharp.PyBridge;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Checkpoints;

public sealed class ClipCheckpointTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("vl2v-clip-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string VitPt => ClipFixtures.File("vit-tiny", "model.pt");

    [Fact]
    public void Load_ViTWeightsWithResNetConfig_ListsMissingAndUnexpectedKeys()
    {
        var act = () => ClipCheckpoint.Load(VitPt, ClipFixtures.Config("rn-tiny"));

        var ex = act.Should().Throw<CheckpointMismatchException>().Which;
        ex.Checkpoint.Should().Be(VitPt);
        ex.MissingKeys.Should().Contain(["visual.attnpool.c_proj.weight", "visual.layer1.0.conv1.weight"]);
        ex.UnexpectedKeys.Should().Contain(["visual.class_embedding", "visual.proj", "visual.ln_pre.weight"]);
        // The text towers have the same shapes; visual.conv1 is the ViT patch conv in one and the ResNet stem in the other.
        ex.WrongShapeKeys.Should().BeEquivalentTo(new[] { new TensorShapeMismatch("visual.conv1.weight", [4, 3, 3, 3], [64, 3, 8, 8]) });
        ex.Message.Should().StartWith($"Checkpoint '{VitPt}' does not match ClipModel ClipConfig {{ ResNet [1,1,1,1]×8 @64, text 2×16 (2 heads), E 32, QuickGelu }}: ")
            .And.Contain($"{ex.MissingKeys.Count} missing keys [").And.Contain($"{ex.UnexpectedKeys.Count} unexpected keys [")
            .And.EndWith("Pass the ClipConfig that matches the checkpoint (e.g. a ClipPresets entry or ClipConfig.FromJsonFile of its model config).");
    }

    [Fact]
    public void Load_ConfigWithMoreTextLayersAndOtherEmbedDim_ListsMissingBlockAndWrongShapes()
    {
        var config = ClipFixtures.Config("vit-tiny") with { TransformerLayers = 3, EmbedDim = 16 };

        var act = () => ClipCheckpoint.Load(VitPt, config);

        var ex = act.Should().Throw<CheckpointMismatchException>().Which;
        ex.MissingKeys.Should().HaveCount(12).And.OnlyContain(k => k.StartsWith("transformer.resblocks.2.", StringComparison.Ordinal));
        ex.UnexpectedKeys.Should().BeEmpty();
        ex.WrongShapeKeys.Should().BeEquivalentTo(new[]
        {
            new TensorShapeMismatch("text_projection", [16, 16], [16, 32]),
            new TensorShapeMismatch("visual.proj", [64, 16], [64, 32]),
        });
        ex.Message.Should().Contain("2 keys with the wrong shape [text_projection: expected [16, 16], found [16, 32], visual.proj: expected [64, 16], found [64, 32]]");
    }

    [Fact]
    public void Load_TinyWeightsWithoutConfig_ExplainsThatTextHeadsCannotBeInferred()
    {
        var act = () => ClipCheckpoint.Load(VitPt);

        act.Should().Throw<InvalidDataException>().WithMessage("*text heads are guessed as width / 64*");
    }

    [Fact]
    public void Load_HuggingFaceWeightsWithoutConfigJson_AsksForIt()
    {
        var path = Path.Combine(_temp, "model.safetensors");
        File.Copy(ClipFixtures.File("vit-tiny", "hf", "model.safetensors"), path);

        var act = () => ClipCheckpoint.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}' holds Hugging Face CLIPModel weights*config.json*does not exist*");
    }

    [Fact]
    public void Load_HuggingFaceWeightsMissingAQProjection_ReportsTheMergedKeyAndTheLeftovers()
    {
        var sd = StateDictFile.Read(ClipFixtures.File("vit-tiny", "hf", "model.safetensors"));
        sd.Remove("text_model.encoder.layers.1.self_attn.q_proj.weight");
        var path = Path.Combine(_temp, "model.safetensors");
        Safetensors.SaveStateDict(path, sd);
        File.Copy(ClipFixtures.File("vit-tiny", "hf", "config.json"), Path.Combine(_temp, "config.json"));

        var act = () => ClipCheckpoint.Load(path);

        var ex = act.Should().Throw<CheckpointMismatchException>().Which;
        ex.MissingKeys.Should().Equal("transformer.resblocks.1.attn.in_proj_weight");
        ex.UnexpectedKeys.Should().Equal("text_model.encoder.layers.1.self_attn.k_proj.weight", "text_model.encoder.layers.1.self_attn.v_proj.weight");
        ex.Message.Should().EndWith("Check that the config.json beside the weights describes them, or pass the ClipConfig.");
    }

    [Fact]
    public void Load_TorchScriptWithOtherResolution_Throws()
    {
        var path = ClipFixtures.File("vit-tiny", "model.jit.pt");
        var config = ClipFixtures.Config("vit-tiny") with { ImageResolution = 64 };

        var act = () => ClipCheckpoint.Load(path, config);

        act.Should().Throw<InvalidDataException>().WithMessage("*was traced for 32-pixel images but the configuration says ImageResolution = 64*");
    }

    [Fact]
    public void Load_Float16OnRequest_KeepsFloat16AndStaysCloseToTheFp16Reference()
    {
        using var clip = ClipCheckpoint.Load(ClipFixtures.File("vit-tiny", "model.fp16.safetensors"), ClipFixtures.Config("vit-tiny"),
                                             new ClipCheckpointOptions { DType = ScalarType.Float16 });
        var inputs = ClipFixtures.Tensors("vit-tiny", "inputs.safetensors");
        var expected = ClipFixtures.Tensors("vit-tiny", "outputs.fp16.safetensors");

        clip.DType.Should().Be(ScalarType.Float16);
        using (torch.no_grad())
        {
            using var image = clip.EncodeImage(inputs["pixel_values"]);
            using var text = clip.EncodeText(inputs["input_ids"]);
            image.dtype.Should().Be(ScalarType.Float16);
            // float16 arithmetic (10-bit mantissa) instead of float32: a loose bound, still far below the embeddings' scale (≤ 2.8).
            TensorAssert.Close(image, expected["image_embeds"], "fp16 image_embeds", atol: 2e-2, rtol: 2e-2);
            TensorAssert.Close(text, expected["text_embeds"], "fp16 text_embeds", atol: 2e-2, rtol: 2e-2);
        }
    }

    [Fact]
    public void Load_Garbage_ThrowsInvalidData()
    {
        var path = Path.Combine(_temp, "garbage.pt");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 37))]);

        var act = () => ClipCheckpoint.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*");
    }

    [Fact]
    public void Load_TruncatedTorchScript_ThrowsInvalidData()
    {
        var bytes = File.ReadAllBytes(ClipFixtures.File("vit-tiny", "model.jit.pt"));
        var path = Path.Combine(_temp, "model.jit.pt");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);

        var act = () => ClipCheckpoint.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*truncated or corrupt*");
    }

    [Fact]
    public void Load_CorruptTorchScriptRecords_ThrowsInvalidData()
    {
        var path = Path.Combine(_temp, "fake.jit.pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, text) in new[] { ("fake/data.pkl", "not a pickle"), ("fake/constants.pkl", "nor this"), ("fake/code/__torch__/m.py", "def f(:"), ("fake/version", "4\n") })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.NoCompression).Open());
                writer.Write(text);
            }
        }

        var act = () => ClipCheckpoint.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"Cannot read TorchScript archive '{path}': torch.jit.load failed*");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        var path = Path.Combine(_temp, "none.pt");

        var act = () => ClipCheckpoint.Load(path);

        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be(path);
    }
}
