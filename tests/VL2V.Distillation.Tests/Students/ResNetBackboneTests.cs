using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Students;
using static VL2V.Distillation.Tests.Students.StudentTestSupport;

namespace VL2V.Distillation.Tests.Students;

public sealed class ResNetBackboneTests
{
    [Theory]
    [InlineData("resnet18", 1000)]
    [InlineData("resnet-bottleneck-tiny", 10)]
    public void Forward_TorchvisionFixtureWeights_MatchesReferenceFeaturesAndLogits(string name, int classes)
    {
        var backbone = name == "resnet18" ? ResNetBackbone.ResNet18() : ResNetBackbone.TruncatedResNet50(1, 1, 1, 1);
        backbone.LoadWeights(TorchvisionFixture(name + ".safetensors"));
        using var student = new Student(backbone, embeddingDim: 8, numClasses: classes);
        var weights = ReadSafetensors(TorchvisionFixture(name + ".safetensors"));
        SetClassifier(student, weights["fc.weight"], weights["fc.bias"]);
        var io = ReadSafetensors(TorchvisionFixture(name + "_io.safetensors"));
        student.eval();

        using var noGrad = torch.no_grad();
        var output = student.call(io["input"]);

        output.Features!.ShouldMatchReference(io["features"], $"{name} features");
        output.Logits!.ShouldMatchReference(io["logits"], $"{name} logits");
    }

    [Fact]
    public void ResNet18Preset_WeightsArgument_LoadsTheFileAndDropsTheImageNetClassifier()
    {
        using var student = Student.ResNet18(embeddingDim: 4, weights: TorchvisionFixture("resnet18.safetensors"));
        var io = ReadSafetensors(TorchvisionFixture("resnet18_io.safetensors"));
        student.eval();

        using var noGrad = torch.no_grad();
        student.call(io["input"]).Features!.ShouldMatchReference(io["features"], "resnet18 features");
        student.state_dict().Keys.Should().NotContain(k => k.StartsWith("backbone.fc"));
        student.state_dict().Keys.Where(k => k.StartsWith("backbone.")).Should().HaveCount(120,
            "torchvision resnet18 has 122 state-dict entries, two of them the fc classifier");
    }

    [Fact]
    public void LoadWeights_ResNet18FileIntoResNet50_ThrowsMismatchNamingFileAndKeys()
    {
        using var backbone = ResNetBackbone.ResNet50();
        var path = TorchvisionFixture("resnet18.safetensors");

        var act = () => backbone.LoadWeights(path);

        var error = act.Should().Throw<CheckpointMismatchException>().Which;
        error.MissingKeys.Should().HaveCount(198).And.Contain("layer1.0.conv3.weight");
        error.UnexpectedKeys.Should().BeEmpty("fc.* is dropped and every resnet18 key exists in resnet50");
        error.WrongShapeKeys.Should().ContainSingle(m => m.Key == "layer1.0.conv1.weight")
            .Which.Expected.Should().Equal(64L, 64, 1, 1);
        error.Message.Should().StartWith($"Checkpoint '{path}' does not match ResNet-50 backbone: 198 missing keys [layer1.0.bn3.bias")
            .And.Contain("layer1.0.conv1.weight: expected [64, 64, 1, 1], found [64, 64, 3, 3]")
            .And.EndWith("The ResNet-50 expects torchvision key names (conv1.weight, bn1.*, layer1.0.conv1.weight, …); check that the file is a torchvision ResNet of the same depth.");
    }

    [Fact]
    public void LoadWeights_NotAWeightsFile_ThrowsInvalidDataNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vl2v-not-weights-{Guid.NewGuid():N}.pth");
        File.WriteAllText(path, "these are not weights");
        try
        {
            using var backbone = ResNetBackbone.ResNet18();
            var act = () => backbone.LoadWeights(path);
            act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadWeights_MissingFile_ThrowsFileNotFound()
    {
        using var backbone = ResNetBackbone.ResNet18();
        var act = () => backbone.LoadWeights("/nonexistent/resnet18.pth");
        act.Should().Throw<FileNotFoundException>().WithMessage("*'/nonexistent/resnet18.pth' does not exist*");
    }
}
