using VL2V.Distillation.Internal;
namespace VL2V.Distillation;

/// <summary>
/// CLIP's zero-shot classifier: cosine similarity between an embedding and every class text embedding,
/// multiplied by the logit scale (the paper's Predict stage).
/// </summary>
public static class ZeroShotClassifier
{
    /// <summary>Computes zero-shot logits.</summary>
    /// <param name="embeddings">Embeddings in the teacher's space <c>[B, D]</c> float32; need not be unit-norm.</param>
    /// <param name="classText">Class text embeddings <c>[C, D]</c> float32, unit-norm rows.</param>
    /// <param name="logitScale">Exponentiated logit scale (100 for OpenAI CLIP); it does not change the argmax.</param>
    /// <returns>Logits <c>[B, C]</c> float32: <c>logitScale * normalize(embeddings) @ classText^T</c>.</returns>
    public static Tensor Logits(Tensor embeddings, Tensor classText, double logitScale)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(classText);
        using var scope = torch.NewDisposeScope();
        var normalized = nn.functional.normalize(embeddings, p: 2, dim: -1);
        return normalized.matmul(classText.t()).Times(logitScale).MoveToOuterDisposeScope();
    }

    /// <summary>Predicts the class of each embedding.</summary>
    /// <param name="embeddings">Embeddings <c>[B, D]</c> float32.</param>
    /// <param name="classText">Class text embeddings <c>[C, D]</c> float32.</param>
    /// <returns>Predicted class indices <c>[B]</c> int64.</returns>
    public static Tensor Predict(Tensor embeddings, Tensor classText)
    {
        using var scope = torch.NewDisposeScope();
        return Logits(embeddings, classText, 1.0).argmax(-1).MoveToOuterDisposeScope();
    }
}
