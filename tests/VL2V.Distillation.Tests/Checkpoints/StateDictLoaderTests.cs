using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Tests.Checkpoints;

public sealed class StateDictLoaderTests
{
    // Keys: fc.weight [3,2], fc.bias [3], bn.weight/bias/running_mean/running_var [3], bn.num_batches_tracked [] int64.
    private sealed class Tiny : nn.Module
    {
        private readonly TorchSharp.Modules.Linear fc;
        private readonly TorchSharp.Modules.BatchNorm1d bn;

        public Tiny() : base(nameof(Tiny))
        {
            fc = nn.Linear(2, 3);
            bn = nn.BatchNorm1d(3);
            RegisterComponents();
        }
    }

    private static Dictionary<string, Tensor> Matching(ScalarType floating = ScalarType.Float32) => new()
    {
        ["fc.weight"] = torch.arange(6, dtype: ScalarType.Float32).reshape(3, 2).to_type(floating),
        ["fc.bias"] = torch.tensor(new[] { 1f, 2f, 3f }).to_type(floating),
        ["bn.weight"] = torch.full(3, 2f).to_type(floating),
        ["bn.bias"] = torch.full(3, -1f).to_type(floating),
        ["bn.running_mean"] = torch.full(3, 0.5f).to_type(floating),
        ["bn.running_var"] = torch.full(3, 4f).to_type(floating),
        ["bn.num_batches_tracked"] = torch.tensor(1000L),
    };

    [Fact]
    public void Load_MatchingFloat16Dict_CopiesValuesInTheModulesDtypes()
    {
        using var module = new Tiny();

        StateDictLoader.Load(module, Matching(ScalarType.Float16), "tiny.safetensors");

        var sd = module.state_dict();
        sd["fc.weight"].dtype.Should().Be(ScalarType.Float32);
        sd["fc.weight"].data<float>().ToArray().Should().Equal(0f, 1f, 2f, 3f, 4f, 5f);
        sd["fc.bias"].data<float>().ToArray().Should().Equal(1f, 2f, 3f);
        sd["bn.running_var"].data<float>().ToArray().Should().Equal(4f, 4f, 4f);
        sd["bn.num_batches_tracked"].dtype.Should().Be(ScalarType.Int64);
        sd["bn.num_batches_tracked"].item<long>().Should().Be(1000);
        module.parameters().Should().OnlyContain(p => p.requires_grad, "loading keeps parameters trainable");
        // The module computes with the loaded weights: fc(x) = W x + b.
        using var y = ((TorchSharp.Modules.Linear)module.named_children().First(c => c.name == "fc").module)
            .call(torch.tensor(new[] { 1f, 1f }));
        y.data<float>().ToArray().Should().Equal(2f, 7f, 12f);
    }

    [Fact]
    public void Load_Mismatch_ThrowsListingEveryDifferenceAndCopiesNothing()
    {
        using var module = new Tiny();
        var before = module.state_dict()["fc.bias"].clone();
        var sd = Matching();
        sd.Remove("bn.running_var");
        sd.Remove("bn.num_batches_tracked");
        sd["fc.weight"] = torch.zeros(2, 3);
        sd["fc.bias"] = torch.full(3, 9f);
        sd["extra"] = torch.zeros(1);

        var act = () => StateDictLoader.Load(module, sd, "ckpt.pt", target: "Tiny", fix: "Use the Tiny checkpoint.");

        var ex = act.Should().Throw<CheckpointMismatchException>().Which;
        ex.Message.Should().Be(
            "Checkpoint 'ckpt.pt' does not match Tiny: 2 missing keys [bn.num_batches_tracked, bn.running_var], " +
            "1 unexpected key [extra], 1 key with the wrong shape [fc.weight: expected [3, 2], found [2, 3]]. Use the Tiny checkpoint.");
        ex.Checkpoint.Should().Be("ckpt.pt");
        ex.MissingKeys.Should().Equal("bn.num_batches_tracked", "bn.running_var");
        ex.UnexpectedKeys.Should().Equal("extra");
        ex.WrongShapeKeys.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new TensorShapeMismatch("fc.weight", [3, 2], [2, 3]));
        module.state_dict()["fc.bias"].equal(before).all().item<bool>().Should().BeTrue("nothing is copied on a mismatch");
    }

    [Fact]
    public void Load_ManyMissingKeys_MessageShowsFiveAndTheCount()
    {
        using var module = new Tiny();

        var act = () => StateDictLoader.Load(module, new Dictionary<string, Tensor>(), "empty.pt", target: "Tiny");

        act.Should().Throw<CheckpointMismatchException>().Which.Message.Should().Be(
            "Checkpoint 'empty.pt' does not match Tiny: 7 missing keys [bn.bias, bn.num_batches_tracked, bn.running_mean, " +
            "bn.running_var, bn.weight, … 2 more]. Check that the checkpoint belongs to this architecture and configuration " +
            "(or rename its keys to the module's names before loading).");
    }

    [Fact]
    public void Load_FloatValueForIntegerBuffer_Throws()
    {
        using var module = new Tiny();
        var sd = Matching();
        sd["bn.num_batches_tracked"] = torch.tensor(3.5f);

        var act = () => StateDictLoader.Load(module, sd, "ckpt.pt", target: "Tiny");

        act.Should().Throw<InvalidDataException>().WithMessage(
            "Checkpoint 'ckpt.pt' stores 'bn.num_batches_tracked' as Float32 but Tiny holds it as Int64;*");
    }
}
