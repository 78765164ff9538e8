namespace VL2V.Distillation.Teachers;

/// <summary>
/// A teacher that runs on an accelerator and hands its embeddings to the trainer on the CPU (the counterpart of
/// <see cref="Students.DeviceStudent"/>). Load the inner teacher on the device (for CLIP: <c>ClipTeacherOptions.Checkpoint</c> with a <c>Device</c>);
/// it receives the CPU batch and moves it itself.
/// </summary>
/// <param name="inner">The teacher; owned by the wrapper from now on.</param>
public sealed class DeviceTeacher(ITeacher inner) : ITeacher
{
    private readonly ITeacher _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public long EmbeddingDim => _inner.EmbeddingDim;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    /// <summary>Encodes a batch on the inner teacher's device.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32.</param>
    /// <param name="sampleKeys">Passed on to the inner teacher.</param>
    /// <returns>Image <c>[B, D]</c> and class text <c>[C, D]</c> float32 embeddings on the CPU.</returns>
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        var embeddings = _inner.Encode(images, sampleKeys);
        return new TeacherEmbeddings(embeddings.Image.cpu(), embeddings.ClassText.cpu(), embeddings.LogitScale);
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();
}
