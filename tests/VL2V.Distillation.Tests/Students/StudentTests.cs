using TorchSharp.Modules;
using VL2V.Distillation.Students;

namespace VL2V.Distillation.Tests.Students;

public sealed class StudentTests
{
    private static Tensor Images(int batch, int size, int seed = 1) =>
        torch.randn(batch, 3, size, size, generator: new torch.Generator((ulong)seed));

    public static TheoryData<string, int, long> SmallSizes => new()
    {
        { "SmallCnn", 32, 256 },
        { "SmallCnn", 64, 256 },
        { "ResNet18", 32, 512 },
        { "ResNet18", 64, 512 },
        { "VitS16", 32, 384 },
        { "DeitS16Distilled", 64, 384 },
        // ResNet-50 and ViT-B/16 are covered at 224 only (and by the Bottleneck parity test at 64 px): each
        // construction costs 0.3-1 s on two cores.
    };

    public static TheoryData<string, long> ImageNetPresets => new()
    {
        { "ResNet18", 512 },
        { "ResNet50", 2048 },
        { "VitS16", 384 },
        { "DeitS16Distilled", 384 },
        { "VitB16", 768 },
    };

    private static Student Create(string preset, int imageSize, long? embeddingDim, int? numClasses) => preset switch
    {
        "SmallCnn" => Student.SmallCnn(embeddingDim, numClasses),
        "ResNet18" => Student.ResNet18(embeddingDim, numClasses),
        "ResNet50" => Student.ResNet50(embeddingDim, numClasses),
        "VitS16" => Student.VitS16(embeddingDim, numClasses, imageSize: imageSize),
        "VitB16" => Student.VitB16(embeddingDim, numClasses, imageSize: imageSize),
        "DeitS16Distilled" => Student.DeitS16Distilled(embeddingDim, numClasses, imageSize: imageSize),
        _ => throw new ArgumentException(preset),
    };

    [Theory]
    [MemberData(nameof(SmallSizes))]
    public void Forward_SmallImages_ReturnsEmbeddingLogitsAndFeatures(string preset, int size, long featureDim)
    {
        using var student = Create(preset, size, embeddingDim: 24, numClasses: 7);
        using var images = Images(2, size);

        using var noGrad = torch.no_grad();
        var output = student.call(images);

        output.Embedding.shape.Should().Equal([2L, 24]);
        output.Logits!.shape.Should().Equal([2L, 7]);
        output.Features!.shape.Should().Equal([2L, featureDim]);
        student.FeatureDim.Should().Be(featureDim);
        student.EmbeddingDim.Should().Be(24);
        student.NumClasses.Should().Be(7);
        torch.isfinite(output.Embedding).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(ImageNetPresets))]
    public void Forward_224Images_ReturnsPaperFeatureSizes(string preset, long featureDim)
    {
        using var student = Create(preset, 224, embeddingDim: 512, numClasses: null);
        student.eval();
        using var images = Images(1, 224);

        using var noGrad = torch.no_grad();
        var output = student.call(images);

        output.Features!.shape.Should().Equal([1L, featureDim]);
        output.Embedding.shape.Should().Equal([1L, 512]);
        output.Logits.Should().BeNull();
        torch.isfinite(output.Embedding).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Constructor_NoEmbeddingDim_UsesFeaturesAsEmbeddingWithoutHead()
    {
        using var student = new Student(new SmallCnnBackbone(width: 4), embeddingDim: null);
        using var images = Images(3, 16);

        using var noGrad = torch.no_grad();
        var output = student.call(images);

        student.Parts.Should().Equal(StudentPart.Backbone);
        student.EmbeddingDim.Should().Be(32);
        output.Embedding.equal(output.Features!).all().item<bool>().Should().BeTrue();
        output.Logits.Should().BeNull();
        student.state_dict().Keys.Should().OnlyContain(k => k.StartsWith("backbone."));
    }

    [Fact]
    public void Constructor_EmbeddingDim_AddsOneLinearHeadWithBias()
    {
        using var student = Student.SmallCnn(embeddingDim: 10, numClasses: 3, width: 4);
        var state = student.state_dict();

        state["head.weight"].shape.Should().Equal([10L, 32]);
        state["head.bias"].shape.Should().Equal([10L]);
        state["classifier.weight"].shape.Should().Equal([3L, 32]);
        state.Keys.Where(k => k.StartsWith("head.")).Should().BeEquivalentTo(["head.weight", "head.bias"]);
    }

    [Fact]
    public void Head_IsAffineMapOfFeatures()
    {
        using var student = Student.SmallCnn(embeddingDim: 5, width: 4);
        student.eval();
        using var images = Images(4, 16);

        using var noGrad = torch.no_grad();
        var output = student.call(images);
        var state = student.state_dict();
        var expected = output.Features!.matmul(state["head.weight"].t()) + state["head.bias"];

        output.Embedding.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("PF is one linear layer, no activation");
    }

    [Fact]
    public void Parts_ListsPresentGroupsInOrder()
    {
        using var all = Student.SmallCnn(embeddingDim: 4, numClasses: 2, width: 4);
        using var headOnly = Student.SmallCnn(embeddingDim: 4, width: 4);
        using var classifierOnly = new Student(new SmallCnnBackbone(4), embeddingDim: null, numClasses: 2);

        all.Parts.Should().Equal(StudentPart.Backbone, StudentPart.Head, StudentPart.Classifier);
        headOnly.Parts.Should().Equal(StudentPart.Backbone, StudentPart.Head);
        classifierOnly.Parts.Should().Equal(StudentPart.Backbone, StudentPart.Classifier);
    }

    [Fact]
    public void PartParameters_ReturnExactlyEachGroupsParameters()
    {
        using var student = Student.SmallCnn(embeddingDim: 4, numClasses: 2, width: 4);
        var byName = student.named_parameters().ToList();

        foreach (var (part, prefix) in new[] { (StudentPart.Backbone, "backbone."), (StudentPart.Head, "head."), (StudentPart.Classifier, "classifier.") })
        {
            var expected = byName.Where(p => p.name.StartsWith(prefix)).Select(p => p.parameter).ToList();
            var actual = student.PartParameters(part).ToList();
            expected.Should().NotBeEmpty();
            actual.Should().HaveCount(expected.Count, $"{part} holds the '{prefix}*' parameters");
            actual.Zip(expected).Should().OnlyContain(pair => ReferenceEquals(pair.First, pair.Second) ||
                pair.First.Handle == pair.Second.Handle, $"{part} must return the module's own parameters");
        }
        student.Parts.Sum(p => student.PartParameters(p).Count()).Should().Be(byName.Count, "the parts cover every parameter once");
    }

    [Fact]
    public void PartParameters_MissingPart_ThrowsNamingPartsAndFix()
    {
        using var student = new Student(new SmallCnnBackbone(4), embeddingDim: null);

        var act = () => student.PartParameters(StudentPart.Head);

        act.Should().Throw<ArgumentException>().WithMessage(
            "This student has no Head part; its parts are Backbone. Create it with an embeddingDim to add a projection head.*");
    }

    [Theory]
    [InlineData(StudentPart.Head)]        // Stage 1 (Align): only PF trains
    [InlineData(StudentPart.Backbone)]    // Stage 2 (Distill): only f trains
    public void AdamStep_FrozenPartsUnchanged_TrainedPartChanges(StudentPart trained)
    {
        using var student = Student.SmallCnn(embeddingDim: 6, numClasses: 3, width: 4);
        foreach (var part in student.Parts)
        {
            foreach (var p in student.PartParameters(part)) p.requires_grad = part == trained;
        }
        var before = student.Parts.ToDictionary(p => p, p => student.PartParameters(p).Select(t => t.detach().clone()).ToList());
        using var optimizer = torch.optim.Adam(student.PartParameters(trained), lr: 1e-2);
        using var images = Images(4, 16);
        student.train();

        var output = student.call(images);
        var loss = output.Embedding.square().mean() + output.Logits!.square().mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();

        foreach (var part in student.Parts)
        {
            var changed = student.PartParameters(part).Zip(before[part]).Any(pair => !pair.First.equal(pair.Second).all().item<bool>());
            changed.Should().Be(part == trained, $"{part} is {(part == trained ? "trained" : "frozen")}");
        }
    }

    [Fact]
    public void FreezeBatchNormStatistics_TrainModeForward_LeavesRunningStatisticsUnchanged()
    {
        using var frozen = Student.ResNet18(embeddingDim: 4);
        frozen.FreezeBatchNormStatistics = true;
        frozen.train();
        var before = BatchNormBuffers(frozen);
        using var images = Images(2, 32) * 3 + 1;

        using (torch.no_grad()) frozen.call(images);

        frozen.training.Should().BeTrue();
        frozen.modules().OfType<BatchNorm>().Should().OnlyContain(bn => !bn.training);
        BatchNormBuffers(frozen).Zip(before).Should().OnlyContain(p => p.First.equal(p.Second).all().item<bool>());
    }

    [Fact]
    public void FreezeBatchNormStatistics_Off_TrainModeForwardUpdatesRunningStatistics()
    {
        using var student = Student.ResNet18(embeddingDim: 4);
        student.train();
        var before = BatchNormBuffers(student);
        using var images = Images(2, 32) * 3 + 1;

        using (torch.no_grad()) student.call(images);

        BatchNormBuffers(student).Zip(before).Should().Contain(p => !p.First.equal(p.Second).all().item<bool>(),
            "without the flag BatchNorm updates its statistics (control for the frozen test)");
    }

    [Fact]
    public void FreezeBatchNormStatistics_SurvivesEvalTrainAndCanBeTurnedOff()
    {
        using var student = Student.SmallCnn(embeddingDim: 4, width: 4);
        student.train();
        student.FreezeBatchNormStatistics = true;
        var batchNorms = student.modules().OfType<BatchNorm>().ToList();
        batchNorms.Should().HaveCount(4);

        batchNorms.Should().OnlyContain(bn => !bn.training, "setting the flag applies at once");
        student.eval();
        student.train();
        batchNorms.Should().OnlyContain(bn => !bn.training, "train() keeps BatchNorm in eval mode");
        student.modules().OfType<Conv2d>().Should().OnlyContain(c => c.training, "other layers train");

        student.FreezeBatchNormStatistics = false;
        batchNorms.Should().OnlyContain(bn => bn.training);
    }

    [Fact]
    public void Forward_NotRgbBatch_ThrowsWithShape()
    {
        using var student = Student.SmallCnn(embeddingDim: 4, width: 4);
        using var gray = torch.zeros(2, 1, 16, 16);
        using var single = torch.zeros(3, 16, 16);

        student.Invoking(s => s.call(gray)).Should().Throw<ArgumentException>()
            .WithMessage("Tensor 'images' has shape [2, 1, 16, 16] but must have 3 (RGB) channels, shape [B, 3, H, W].*");
        student.Invoking(s => s.call(single)).Should().Throw<ArgumentException>()
            .WithMessage("Tensor 'images' has shape [3, 16, 16] but must have rank 4, shape [B, 3, H, W].*");
    }

    [Fact]
    public void Constructor_InvalidSizes_Throw()
    {
        var zeroEmbedding = () => Student.SmallCnn(embeddingDim: 0);
        var zeroClasses = () => Student.SmallCnn(embeddingDim: 4, numClasses: 0);

        zeroEmbedding.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("embeddingDim");
        zeroClasses.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("numClasses");
    }

    [Fact]
    public void Preset_MissingWeightsFile_ThrowsFileNotFound()
    {
        var act = () => Student.VitS16(embeddingDim: 512, weights: "/nonexistent/vit_small.pth", imageSize: 32);
        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be("/nonexistent/vit_small.pth");
    }

    private static List<Tensor> BatchNormBuffers(Student student) =>
        student.named_buffers().Where(b => b.name.Contains("bn") || b.name.Contains("downsample.1"))
            .Select(b => b.buffer.clone()).ToList();
}
