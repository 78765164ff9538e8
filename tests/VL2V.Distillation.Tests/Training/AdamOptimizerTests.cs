using FluentAssertions;
using TorchSharp.Modules;
using VL2V.Distillation.Training;
using Xunit;

namespace VL2V.Distillation.Tests.Training;

/// <summary>
/// The in-house Adam/AdamW must compute what TorchSharp's <c>torch.optim.Adam</c>/<c>AdamW</c> compute (the reference
/// implementations of the same update rule), step by step, and survive a save/load round trip.
/// </summary>
public sealed class AdamOptimizerTests
{
    private static (Linear A, Linear B) TwinModels(long seed)
    {
        torch.manual_seed(seed);
        var a = nn.Linear(6, 4);
        var b = nn.Linear(6, 4);
        b.load_state_dict(a.state_dict());
        return (a, b);
    }

    private static void Backward(Linear model, int step)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)(100 + step));
        var x = torch.randn([8, 6], generator: generator);
        var y = torch.randn([8, 4], generator: generator);
        nn.functional.mse_loss(model.call(x), y).backward();
    }

    private static void ShouldMatch(Linear actual, Linear expected, string because)
    {
        foreach (var (name, value) in actual.state_dict())
        {
            var reference = expected.state_dict()[name];
            torch.allclose(value, reference, rtol: 1e-6, atol: 1e-7).Should().BeTrue($"{name} {because}");
        }
    }

    [Fact]
    public void Adam_with_L2_weight_decay_matches_torch_optim_Adam_over_several_steps()
    {
        var (ours, theirs) = TwinModels(1);
        using var optimizer = new AdamOptimizer([(ours.parameters(), 0.1)], 0.01, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        using var reference = torch.optim.Adam(theirs.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1);
        var initial = ours.weight!.clone();
        for (int step = 0; step < 6; step++)
        {
            optimizer.ZeroGrad();
            Backward(ours, step);
            optimizer.Step();
            reference.zero_grad();
            Backward(theirs, step);
            reference.step();
        }
        torch.allclose(ours.weight!, initial).Should().BeFalse("six steps must move the weights");
        ShouldMatch(ours, theirs, "after six Adam steps");
    }

    [Fact]
    public void AdamW_with_groups_and_a_changing_learning_rate_matches_torch_optim_AdamW()
    {
        var (ours, theirs) = TwinModels(2);
        using var optimizer = new AdamOptimizer([([ours.weight!], 0.05), ([ours.bias!], 0.0)], 0.02, 0.9, 0.98, 1e-6, decoupledWeightDecay: true);
        using var reference = torch.optim.AdamW(
            [new AdamW.ParamGroup([theirs.weight!], new AdamW.Options { weight_decay = 0.05 }),
             new AdamW.ParamGroup([theirs.bias!], new AdamW.Options { weight_decay = 0 })],
            lr: 0.02, beta1: 0.9, beta2: 0.98, eps: 1e-6);
        for (int step = 0; step < 6; step++)
        {
            double lr = 0.02 * (step + 1) / 6;
            optimizer.LearningRate = lr;
            foreach (var group in reference.ParamGroups) group.LearningRate = lr;
            optimizer.ZeroGrad();
            Backward(ours, step);
            optimizer.Step();
            reference.zero_grad();
            Backward(theirs, step);
            reference.step();
        }
        ShouldMatch(ours, theirs, "after six AdamW steps with a warm-up");
    }

    [Fact]
    public void A_saved_state_continues_exactly_like_the_uninterrupted_optimizer()
    {
        var (ours, resumed) = TwinModels(3);
        using var optimizer = new AdamOptimizer([(ours.parameters(), 0.01)], 0.01, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            Backward(ours, step);
            optimizer.Step();
        }
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        resumed.load_state_dict(ours.state_dict());
        using var second = new AdamOptimizer([(resumed.parameters(), 0.01)], 0.01, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        buffer.Position = 0;
        using (var reader = new BinaryReader(buffer)) second.Load(reader, "memory");
        for (int step = 3; step < 5; step++)
        {
            optimizer.ZeroGrad();
            Backward(ours, step);
            optimizer.Step();
            second.ZeroGrad();
            Backward(resumed, step);
            second.Step();
        }
        foreach (var (name, value) in ours.state_dict())
        {
            value.equal(resumed.state_dict()[name]).all().item<bool>().Should().BeTrue($"{name} must continue bit for bit from the saved moments and step count");
        }
    }

    [Fact]
    public void Loading_a_state_for_other_parameters_names_the_source_and_the_fix()
    {
        var (small, _) = TwinModels(4);
        using var optimizer = new AdamOptimizer([(small.parameters(), 0)], 0.01, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        using var other = new AdamOptimizer([([small.weight!], 0)], 0.01, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        var act = () => other.Load(reader, "optimizer-00000001.bin");
        act.Should().Throw<InvalidDataException>().WithMessage("*optimizer-00000001.bin*2 parameters*expects*1*delete the checkpoint folder*");
    }

    [Theory]
    [InlineData(-0.1, 0.9, 0.999, 0.0, "learningRate")]
    [InlineData(0.1, 1.0, 0.999, 0.0, "beta1")]
    [InlineData(0.1, 0.9, -0.5, 0.0, "beta2")]
    [InlineData(0.1, 0.9, 0.999, -1.0, "groups")]
    public void Invalid_hyperparameters_are_rejected_by_name(double lr, double beta1, double beta2, double weightDecay, string parameter)
    {
        using var model = nn.Linear(2, 2);
        var act = () => new AdamOptimizer([(model.parameters(), weightDecay)], lr, beta1, beta2, 1e-8, decoupledWeightDecay: true);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }
}
