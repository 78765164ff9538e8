using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Teachers;

/// <summary>The accelerator wrapper must hand the trainer exactly the inner teacher's embeddings, on the CPU.</summary>
public sealed class DeviceTeacherTests
{
    [Fact]
    public void Encode_ReturnsTheInnerTeachersEmbeddingsOnTheCpu_AndDisposesTheInnerTeacher()
    {
        var dataset = SyntheticDomains.Create();
        var inner = new TestSupport.FakeTeacher(dataset);
        using var reference = new TestSupport.FakeTeacher(dataset);
        var teacher = new DeviceTeacher(inner);
        teacher.ClassNames.Should().Equal(inner.ClassNames);
        teacher.EmbeddingDim.Should().Be(inner.EmbeddingDim);
        using var images = torch.rand([4, 3, 16, 16], generator: new torch.Generator(3));
        var expected = reference.Encode(images);
        var actual = teacher.Encode(images);
        actual.Image.device_type.Should().Be(DeviceType.CPU);
        actual.Image.equal(expected.Image).all().item<bool>().Should().BeTrue();
        actual.ClassText.equal(expected.ClassText).all().item<bool>().Should().BeTrue();
        actual.LogitScale.Should().Be(expected.LogitScale);
        teacher.Dispose();
        var act = () => new DeviceTeacher(null!);
        act.Should().Throw<ArgumentNullException>();
    }
}
