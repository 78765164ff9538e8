using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Students;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Students;

/// <summary>The VL2V-SD student: initialised as a copy of CLIP's image tower, trainable, never sharing the teacher's tensors.</summary>
public sealed class ClipStudentsTests
{
    private static ClipTeacher Teacher(string model) =>
        ClipTeacher.Load(ClipFixtures.File(model, "model.safetensors"), ["dog", "cat"], new ClipTeacherOptions
        {
            VocabularyPath = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz"),
            Config = ClipFixtures.Config(model),
        });

    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void FromTeacher_AtInitialisation_EmbedsExactlyLikeTheTeachersEncodeImage(string model)
    {
        using var teacher = Teacher(model);
        using var student = ClipStudents.FromTeacher(teacher);
        student.eval();
        var pixels = ClipFixtures.Tensors(model, "inputs.safetensors")["pixel_values"];

        using var _ = torch.no_grad();
        var output = student.call(pixels);

        student.EmbeddingDim.Should().Be(32);
        student.Parts.Should().Equal(StudentPart.Backbone);
        // Identical computation on identical weights; the ResNet's convolutions may pick another (equally exact) kernel
        // for a fresh module, so allow 1e-6.
        TensorAssert.Close(output.Embedding, teacher.Model.EncodeImage(pixels), "student vs teacher encode_image", atol: 1e-6, rtol: 0);
        TensorAssert.Close(output.Embedding, ClipFixtures.Tensors(model, "outputs.safetensors")["image_embeds"], "student embedding");
        student.parameters().Should().OnlyContain(p => p.requires_grad);
        student.state_dict().Keys.Should().OnlyContain(k => k.StartsWith("backbone.visual.", StringComparison.Ordinal));
        student.state_dict().Count.Should().Be(teacher.Model.state_dict().Keys.Count(k => k.StartsWith("visual.", StringComparison.Ordinal)));
    }

    [Fact]
    public void TrainingTheStudent_ChangesItButNeverTheTeacher()
    {
        using var teacher = Teacher("vit-tiny");
        using var student = ClipStudents.FromTeacher(teacher);
        var teacherBefore = teacher.Model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
        var studentBefore = student.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
        var optimizer = torch.optim.Adam(student.parameters(), lr: 1e-2);
        using var images = torch.randn(4, 3, 32, 32, generator: new torch.Generator(3));
        using var labels = torch.tensor(new long[] { 0, 1, 0, 1 });

        for (int step = 0; step < 3; step++)
        {
            var target = teacher.Encode(images);
            var embedding = nn.functional.normalize(student.call(images).Embedding, dim: -1);
            var loss = -0.5 * ((embedding * target.Image).sum(1).mean() + (embedding * target.TextForLabels(labels)).sum(1).mean());
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        foreach (var (name, tensor) in teacher.Model.state_dict())
        {
            Identical.Tensors(tensor, teacherBefore[name]).Should().BeTrue($"teacher tensor {name} must not change when the student trains");
        }
        student.state_dict()["backbone.visual.proj"].Should().NotBeNull();
        Identical.Tensors(student.state_dict()["backbone.visual.proj"], studentBefore["backbone.visual.proj"]).Should().BeFalse("visual.proj is trainable");
        Identical.Tensors(student.state_dict()["backbone.visual.conv1.weight"], studentBefore["backbone.visual.conv1.weight"]).Should().BeFalse("the whole tower trains");
    }

    [Fact]
    public void Backbone_RejectsImagesOfAnotherResolution()
    {
        using var model = ClipCheckpoint.Load(ClipFixtures.File("vit-tiny", "model.safetensors"), ClipFixtures.Config("vit-tiny"));
        using var backbone = ClipStudents.BackboneFromModel(model);
        var act = () => backbone.call(torch.rand(1, 3, 64, 64));
        act.Should().Throw<ArgumentException>().WithMessage("*[1, 3, 64, 64]*[B, 3, 32, 32]*");
    }
}
