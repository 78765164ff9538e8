using VL2V.Distillation.Data;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary>
/// The library's <see cref="DeviceStudent"/> (what <c>vl2v distill --device cuda</c> uses), exercised on the CPU (this
/// machine has no GPU): it must look to the trainer exactly like the student it wraps. Kept beside the CLI tests for
/// their tiny DomainBed folder.
/// </summary>
public sealed class DeviceStudentTests
{
    [Fact]
    public void DeviceStudent_HasTheInnerStateDictKeys_AndTheSameOutputs()
    {
        torch.manual_seed(3);
        using var inner = Student.SmallCnn(embeddingDim: 8, numClasses: 2, width: 4);
        var keys = inner.state_dict().Keys.ToList();
        using var wrapped = new DeviceStudent(inner, torch.CPU);
        using var images = torch.randn(2, 3, 16, 16);
        inner.eval();

        wrapped.state_dict().Keys.Should().Equal(keys, "student.safetensors must not depend on the device");
        wrapped.Parts.Should().Equal(inner.Parts);
        wrapped.PartParameters(StudentPart.Head).Should().Equal(inner.PartParameters(StudentPart.Head));
        using var expected = inner.call(images).Embedding;
        wrapped.eval();
        using var actual = wrapped.call(images).Embedding;
        actual.allclose(expected).Should().BeTrue();
        wrapped.FreezeBatchNormStatistics = true;
        inner.FreezeBatchNormStatistics.Should().BeTrue();
    }

    [Fact]
    public void DeviceStudent_TrainsUnderTheTrainer_AndSavesTheInnerKeys()
    {
        using var temp = new TempFolder();
        var dataset = ImageFolderDataset.Open(TinyDomainBed.Create(temp.File("data")));
        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "sketch");
        torch.manual_seed(0);
        using var inner = Student.SmallCnn(embeddingDim: null, numClasses: 2, width: 4);
        var keys = inner.state_dict().Keys.ToList();
        var before = inner.state_dict()["classifier.weight"].clone();
        using var wrapped = new DeviceStudent(inner, torch.CPU);
        var trainer = new DistillationTrainer(new TrainerOptions
        {
            Method = DistillationMethod.Erm, Steps = 3, EvaluateEvery = 2, BatchSizePerDomain = 2, ImageSize = 32, LoaderWorkers = 1,
        });

        var result = trainer.Fit(wrapped, null, dataset, split, temp.File("run"));

        result.Reported.TargetAccuracy.Should().BeInRange(0, 1);
        inner.state_dict()["classifier.weight"].allclose(before).Should().BeFalse("the inner student's weights were trained");
        var saved = VL2V.Distillation.Checkpoints.StateDictFile.Read(temp.File("run", "student.safetensors"));
        saved.Keys.Should().BeEquivalentTo(keys);
        foreach (var t in saved.Values) t.Dispose();
    }
}
