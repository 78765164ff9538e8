using TorchSharp.Modules;
using TorchSharp.PyBridge;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Students;

namespace VL2V.Distillation.Tests.Students;

public sealed class SmallCnnBackboneTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("vl2v-cnn-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void Constructor_Width_SetsFeatureDimAndKeys()
    {
        using var cnn = new SmallCnnBackbone(width: 8);

        cnn.FeatureDim.Should().Be(64);
        cnn.state_dict()["stages.3.conv.weight"].shape.Should().Equal([64L, 32, 3, 3]);
        cnn.modules().OfType<BatchNorm>().Should().HaveCount(4, "one BatchNorm per stage");
    }

    [Fact]
    public void LoadWeights_OwnStateDict_ReproducesOutputs()
    {
        using var source = new SmallCnnBackbone(width: 8);
        using var images = torch.randn(2, 3, 32, 32, generator: new torch.Generator(3));
        source.train();
        using (torch.no_grad()) source.call(images);     // moves the BatchNorm statistics away from 0/1
        source.eval();
        var path = Path.Combine(_tempDir, "cnn.safetensors");
        Safetensors.SaveStateDict(path, source.state_dict());
        using var loaded = new SmallCnnBackbone(width: 8);
        loaded.eval();

        loaded.LoadWeights(path);

        using var noGrad = torch.no_grad();
        loaded.call(images).equal(source.call(images)).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void LoadWeights_OtherWidth_ThrowsMismatch()
    {
        using var narrow = new SmallCnnBackbone(width: 4);
        var path = Path.Combine(_tempDir, "narrow.safetensors");
        Safetensors.SaveStateDict(path, narrow.state_dict());
        using var wide = new SmallCnnBackbone(width: 8);

        var act = () => wide.LoadWeights(path);

        act.Should().Throw<CheckpointMismatchException>()
            .Which.WrongShapeKeys.Should().Contain(m => m.Key == "stages.0.conv.weight");
    }
}
