using VL2V.Distillation.Internal;

namespace VL2V.Distillation;

/// <summary>What a student computes for a batch of images.</summary>
/// <remarks>
/// For VL2V-ADiP, <see cref="Embedding"/> is the projection head's output <c>PF(f(x))</c>; for VL2V-SD it is the
/// CLIP image encoder's output. Either way it lives in the teacher's embedding space and is not normalised.
/// </remarks>
public sealed record StudentOutput
{
    /// <summary>Creates a student output after checking that the shapes agree.</summary>
    /// <param name="embedding">Embedding in the teacher's space <c>[B, D]</c> float32 (not normalised).</param>
    /// <param name="logits">Optional classifier logits <c>[B, C]</c> float32 (ERM and KD baselines).</param>
    /// <param name="features">Optional backbone features <c>[B, F]</c> float32, before the projection head.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong rank or the batch sizes differ.</exception>
    public StudentOutput(Tensor embedding, Tensor? logits = null, Tensor? features = null)
    {
        TensorChecks.Rank(embedding, 2, nameof(embedding), "[B, D]");
        if (logits is not null)
        {
            TensorChecks.Rank(logits, 2, nameof(logits), "[B, C]");
            TensorChecks.SameBatch(embedding, nameof(embedding), logits, nameof(logits));
        }
        if (features is not null)
        {
            TensorChecks.Rank(features, 2, nameof(features), "[B, F]");
            TensorChecks.SameBatch(embedding, nameof(embedding), features, nameof(features));
        }
        Embedding = embedding;
        Logits = logits;
        Features = features;
    }

    /// <summary>Embedding in the teacher's space <c>[B, D]</c> float32, not normalised.</summary>
    public Tensor Embedding { get; }

    /// <summary>Classifier logits <c>[B, C]</c> float32, or null when the student has no classifier.</summary>
    public Tensor? Logits { get; }

    /// <summary>Backbone features <c>[B, F]</c> float32, or null when the student does not expose them.</summary>
    public Tensor? Features { get; }

    /// <summary>The batch size <c>B</c>.</summary>
    public long BatchSize => Embedding.shape[0];
}
