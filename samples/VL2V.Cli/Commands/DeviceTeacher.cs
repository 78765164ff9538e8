using VL2V.Distillation;

namespace VL2V.Cli.Commands;

/// <summary>A teacher on an accelerator whose embeddings are handed to the trainer on the CPU (see <see cref="DeviceStudent"/>).</summary>
internal sealed class DeviceTeacher(ITeacher inner) : ITeacher
{
    public long EmbeddingDim => inner.EmbeddingDim;

    public IReadOnlyList<string> ClassNames => inner.ClassNames;

    /// <summary>images <c>[B, 3, H, W]</c> float32 → image <c>[B, D]</c> and class text <c>[C, D]</c> float32 on the CPU.</summary>
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        var embeddings = inner.Encode(images, sampleKeys);
        return new TeacherEmbeddings(embeddings.Image.cpu(), embeddings.ClassText.cpu(), embeddings.LogitScale);
    }

    public void Dispose() => inner.Dispose();
}
