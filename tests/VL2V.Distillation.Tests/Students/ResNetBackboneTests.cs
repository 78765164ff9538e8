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

        var error = act.Should().Throw<InvalidDataException>().Which;
        error.Message.Should().Contain($"'{path}'").And.Contain("ResNet-50 backbone")
            .And.Contain("missing key(s)").And.Contain("layer1.0.bn3.weight")
            .And.Contain("wrong shape").And.Contain("torchvision key names");
    }

    [Fact]
    public void LoadWeights_MissingFile_ThrowsFileNotFound()
    {
        using var backbone = ResNetBackbone.ResNet18();
        var act = () => backbone.LoadWeights("/nonexistent/resnet18.pth");
        act.Should().Throw<FileNotFoundException>().WithMessage("*'/nonexistent/resnet18.pth' does not exist*");
    }
}
