using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Checkpoints;

public sealed class TorchScriptWeightsTests
{
    [Theory]
    [InlineData("vit-tiny", 32)]
    [InlineData("rn-tiny", 64)]
    public void Read_Archive_HoldsTheStateDictTensorsBitForBitPlusThreeExtras(string model, long resolution)
    {
        var path = ClipFixtures.File(model, "model.jit.pt");
        TorchScriptWeights.IsTorchScript(path).Should().BeTrue();
        TorchScriptWeights.IsTorchScript(ClipFixtures.File(model, "model.pt")).Should().BeFalse("a torch.save archive has no code/ or constants.pkl");

        var jit = TorchScriptWeights.Read(path);
        var reference = ClipFixtures.Tensors(model, "model.safetensors");

        jit.Keys.Should().BeEquivalentTo(reference.Keys.Concat(["input_resolution", "context_length", "vocab_size"]));
        foreach (var (key, tensor) in reference)
        {
            jit[key].dtype.Should().Be(tensor.dtype, key);
            jit[key].equal(tensor).all().item<bool>().Should().BeTrue(key);
        }
        jit["input_resolution"].item<long>().Should().Be(resolution);
        jit["context_length"].item<long>().Should().Be(77);
        jit["vocab_size"].item<long>().Should().Be(49408);
    }
}
