using FluentAssertions;
using VL2V.Distillation.Students.Modules;
using Xunit;

namespace VL2V.Distillation.Tests.Students;

/// <summary>The small CNN's BatchNorm must be TorchSharp's <c>nn.BatchNorm2d</c> in every observable way.</summary>
public sealed class HeldScalarBatchNorm2dTests
{
    [Fact]
    public void Matches_nn_BatchNorm2d_in_training_and_evaluation()
    {
        using var ours = new HeldScalarBatchNorm2d(5);
        using var reference = nn.BatchNorm2d(5);
        using (torch.no_grad())
        {
            ours.weight!.uniform_(0.5, 1.5);
            ours.bias!.uniform_(-0.5, 0.5);
        }
        reference.load_state_dict(ours.state_dict());
        ours.state_dict().Keys.Should().BeEquivalentTo(reference.state_dict().Keys, "checkpoints must load into either module");
        var generator = new torch.Generator(7);
        for (int step = 0; step < 3; step++)
        {
            using var x = torch.randn([4, 5, 6, 6], generator: generator) * 3 + 1;
            ours.train();
            reference.train();
            torch.allclose(ours.call(x), reference.call(x), rtol: 1e-5, atol: 1e-6).Should().BeTrue($"training output at step {step}");
        }
        foreach (var (name, value) in ours.state_dict())
        {
            torch.allclose(value.to_type(ScalarType.Float64), reference.state_dict()[name].to_type(ScalarType.Float64), rtol: 1e-5, atol: 1e-6)
                .Should().BeTrue($"{name} after three training steps");
        }
        ours.state_dict()["num_batches_tracked"].item<long>().Should().Be(3);
        ours.eval();
        reference.eval();
        using var probe = torch.randn([2, 5, 6, 6], generator: generator);
        torch.allclose(ours.call(probe), reference.call(probe), rtol: 1e-5, atol: 1e-6).Should().BeTrue("evaluation uses the running statistics");
        ours.state_dict()["num_batches_tracked"].item<long>().Should().Be(3, "evaluation does not count batches");
    }
}
