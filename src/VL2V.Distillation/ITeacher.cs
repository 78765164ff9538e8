namespace VL2V.Distillation;

/// <summary>
/// A frozen vision-language teacher: a CLIP model, a cache of its embeddings, or a vendor's precomputed
/// embeddings (the paper's black-box setting).
/// </summary>
/// <remarks>
/// <para>A teacher never trains and never tracks gradients. It encodes images on demand and holds the text
/// embeddings of the task's classes, computed once.</para>
/// <para>Thread-safety: an instance may be shared by several trainers, but <see cref="Encode"/> is not required
/// to be thread-safe; call it from one thread at a time. Disposal: the teacher owns its weights and its class
/// text embeddings; tensors returned by <see cref="Encode"/> (other than
/// <see cref="TeacherEmbeddings.ClassText"/>) belong to the caller's dispose scope.</para>
/// </remarks>
public interface ITeacher : IDisposable
{
    /// <summary>The embedding size <c>D</c> shared by image and text embeddings.</summary>
    long EmbeddingDim { get; }

    /// <summary>The class names, in label order, whose text embeddings the teacher holds.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Encodes a batch of images.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32, normalised as the teacher's documentation says.</param>
    /// <param name="sampleKeys">
    /// Optional stable identity of each image (for example its content hash and augmentation view), <c>B</c> entries.
    /// Teachers that compute from pixels ignore it; caching and precomputed teachers look embeddings up by it.
    /// </param>
    /// <returns>Unit-norm image embeddings <c>[B, D]</c> and the class text embeddings <c>[C, D]</c>.</returns>
    TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null);
}
