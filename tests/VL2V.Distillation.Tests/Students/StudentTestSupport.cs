using TorchSharp.PyBridge;
using VL2V.Distillation.Students;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Students;

/// <summary>Fixture access and float comparison for the student tests.</summary>
internal static class StudentTestSupport
{
    public static string TorchvisionFixture(string file) => SharedFolder.Get("fixtures", "torchvision", file);

    public static Dictionary<string, Tensor> ReadSafetensors(string path) => Safetensors.LoadStateDict(path);

    /// <summary>Asserts <c>|actual - expected| ≤ 1e-5 + 1e-4·|expected|</c> element-wise (fixtures README §6).</summary>
    public static void ShouldMatchReference(this Tensor actual, Tensor expected, string what)
    {
        actual.shape.Should().Equal(expected.shape, $"{what} must have the reference shape");
        using var scope = torch.NewDisposeScope();
        var excess = ((actual - expected).abs() - (1e-5 + 1e-4 * expected.abs())).max().item<float>();
        var maxDiff = (actual - expected).abs().max().item<float>();
        excess.Should().BeLessThanOrEqualTo(0f, $"{what} must match the reference within 1e-5 + 1e-4·|b| (max |a-b| = {maxDiff:E2})");
    }

    /// <summary>Copies a classifier weight and bias into the student's classifier (for logit parity).</summary>
    public static void SetClassifier(Student student, Tensor weight, Tensor bias)
    {
        var parameters = student.PartParameters(StudentPart.Classifier).ToArray();
        using var noGrad = torch.no_grad();
        parameters[0].copy_(weight);
        parameters[1].copy_(bias);
    }
}
