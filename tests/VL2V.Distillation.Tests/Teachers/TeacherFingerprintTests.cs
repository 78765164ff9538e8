using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.Checkpoints;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class TeacherFingerprintTests
{
    [Fact]
    public void Compute_DependsOnFileContentAndEverySettingButNotOnTheFileName()
    {
        using var folder = new TempFolder();
        string a = folder.Write("a.bin", [1, 2, 3]);
        string b = folder.Write("b.bin", [1, 2, 3]);
        string c = folder.Write("c.bin", [1, 2, 4]);
        var options = new AugmentationOptions();

        string reference = TeacherFingerprint.Compute([a], options, "ViT-B/16");
        reference.Should().MatchRegex("^[0-9a-f]{32}$");
        TeacherFingerprint.Compute([b], options, "ViT-B/16").Should().Be(reference);
        TeacherFingerprint.Compute([c], options, "ViT-B/16").Should().NotBe(reference);
        TeacherFingerprint.Compute([a], options with { Mean = [0.5f, 0.5f, 0.5f] }, "ViT-B/16").Should().NotBe(reference,
            "the normalisation changes the teacher's input");
        TeacherFingerprint.Compute([a], options with { Size = 192 }, "ViT-B/16").Should().NotBe(reference);
        TeacherFingerprint.Compute([a], options, "ViT-B/32").Should().NotBe(reference);
    }

    [Fact]
    public void Compute_MissingFile_Throws()
    {
        var act = () => TeacherFingerprint.Compute(["/nonexistent/clip.safetensors"]);
        act.Should().Throw<FileNotFoundException>().WithMessage("The teacher weight file '/nonexistent/clip.safetensors' does not exist.");
    }
}
