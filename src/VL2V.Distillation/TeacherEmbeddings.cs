using VL2V.Distillation.Internal;

namespace VL2V.Distillation;

/// <summary>
/// What a frozen teacher provides for one batch: the unit-norm image embedding of every image and the
/// unit-norm text embedding of every class (the zero-shot classifier, paper notation <c>I_t</c> and <c>T_c</c>).
/// </summary>
/// <remarks>
/// The tensors never track gradients. <see cref="ClassText"/> is usually a tensor that the teacher computed
/// once and shares between batches: treat it as read-only and do not dispose it.
/// </remarks>
public sealed record TeacherEmbeddings
{
    /// <summary>Creates teacher embeddings after checking that the shapes agree.</summary>
    /// <param name="image">Image embeddings <c>[B, D]</c> float32, each row of unit L2 norm.</param>
    /// <param name="classText">Class text embeddings <c>[C, D]</c> float32, each row of unit L2 norm.</param>
    /// <param name="logitScale">CLIP's temperature, already exponentiated (<c>logit_scale.exp()</c>, 100 for OpenAI CLIP).</param>
    /// <exception cref="ArgumentException">A tensor has the wrong rank or dtype, or the embedding sizes differ.</exception>
    public TeacherEmbeddings(Tensor image, Tensor classText, double logitScale = 100.0)
    {
        TensorChecks.Rank(image, 2, nameof(image), "[B, D]");
        TensorChecks.Rank(classText, 2, nameof(classText), "[C, D]");
        TensorChecks.FloatingPoint(image, nameof(image));
        TensorChecks.FloatingPoint(classText, nameof(classText));
        if (image.shape[1] != classText.shape[1])
        {
            throw new ArgumentException(
                $"Teacher image embeddings {TensorChecks.Shape(image)} and class text embeddings {TensorChecks.Shape(classText)} " +
                "must have the same embedding size D. Compute both with the same teacher model.", nameof(classText));
        }
        ArgumentChecks.PositiveFinite(logitScale, nameof(logitScale), "The logit scale (CLIP's exponentiated logit_scale, 100 for OpenAI CLIP)");
        Image = image;
        ClassText = classText;
        LogitScale = logitScale;
    }

    /// <summary>Image embeddings <c>[B, D]</c> float32, unit L2 norm per row.</summary>
    public Tensor Image { get; }

    /// <summary>Class text embeddings <c>[C, D]</c> float32, unit L2 norm per row (row <c>c</c> is class <c>c</c>).</summary>
    public Tensor ClassText { get; }

    /// <summary>The exponentiated CLIP logit scale used for zero-shot logits (100 for OpenAI CLIP).</summary>
    public double LogitScale { get; }

    /// <summary>The batch size <c>B</c>.</summary>
    public long BatchSize => Image.shape[0];

    /// <summary>The embedding size <c>D</c>.</summary>
    public long EmbeddingDim => Image.shape[1];

    /// <summary>The number of classes <c>C</c>.</summary>
    public long NumClasses => ClassText.shape[0];

    /// <summary>Selects the class text embedding of each label (the paper's <c>T_{y_i}</c>).</summary>
    /// <param name="labels">Class indices <c>[B]</c> int64 in <c>[0, C)</c>.</param>
    /// <returns><c>[B, D]</c> float32.</returns>
    public Tensor TextForLabels(Tensor labels) => ClassText.index_select(0, labels);

    /// <summary>The teacher's zero-shot logits for its own image embeddings.</summary>
    /// <returns><c>[B, C]</c> float32: <c>LogitScale * cos(I_t, T_c)</c>.</returns>
    public Tensor ZeroShotLogits() => ZeroShotClassifier.Logits(Image, ClassText, LogitScale);
}
