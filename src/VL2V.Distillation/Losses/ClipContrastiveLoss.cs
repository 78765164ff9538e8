using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Losses;

/// <summary>
/// CLIP's symmetric contrastive (InfoNCE) loss over a batch of matching image-text pairs, used to pretrain a
/// CLIP model and for FLYP-style fine-tuning. The learnable temperature belongs to the model and is passed in.
/// </summary>
/// <remarks>
/// <para><c>S = s * normalize(I) @ normalize(T)^T</c>, <c>L = (CE(S, diag) + CE(S^T, diag)) / 2</c>, where row <c>i</c>
/// of <c>I</c> and <c>T</c> is the i-th pair and <c>s = exp(logit_scale)</c>.</para>
/// <para>Radford et al., "Learning Transferable Visual Models From Natural Language Supervision" (CLIP), ICML 2021;
/// Goyal et al., "Finetune like you pretrain" (FLYP), CVPR 2023.</para>
/// <para>Terms: <c>image_to_text</c>, <c>text_to_image</c> (un-weighted). Not an <see cref="IDistillationLoss"/>:
/// its inputs are paired embeddings, not a student and a teacher.</para>
/// </remarks>
public sealed class ClipContrastiveLoss
{
    /// <summary>The formula, in plain text.</summary>
    public string Formula => "(CE(s*I@T^T, diag) + CE(s*T@I^T, diag)) / 2";

    /// <summary>Computes the loss for a batch of pairs.</summary>
    /// <param name="imageEmbeddings">Image embeddings <c>[N, D]</c> float32 (normalised inside).</param>
    /// <param name="textEmbeddings">Text embeddings <c>[N, D]</c> float32 of the matching captions (normalised inside).</param>
    /// <param name="logitScale">The exponentiated temperature <c>s</c>: a scalar float32 tensor <c>[]</c>, usually
    /// <c>model.logit_scale.exp()</c> so that gradients reach it.</param>
    /// <returns>The total and the two directional terms.</returns>
    /// <exception cref="ArgumentException">The shapes disagree, the batch has fewer than 2 pairs, or an input is not finite.</exception>
    public LossResult Compute(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor logitScale)
    {
        TensorChecks.Rank(imageEmbeddings, 2, nameof(imageEmbeddings), "[N, D]");
        TensorChecks.Rank(textEmbeddings, 2, nameof(textEmbeddings), "[N, D]");
        TensorChecks.SameShape(imageEmbeddings, nameof(imageEmbeddings), textEmbeddings, nameof(textEmbeddings));
        TensorChecks.Rank(logitScale, 0, nameof(logitScale), "[] (a scalar)");
        if (imageEmbeddings.shape[0] < 2)
        {
            throw new ArgumentException(
                $"A contrastive loss needs at least 2 pairs, but '{nameof(imageEmbeddings)}' has shape {TensorChecks.Shape(imageEmbeddings)}.",
                nameof(imageEmbeddings));
        }
        TensorChecks.Finite(imageEmbeddings, nameof(imageEmbeddings));
        TensorChecks.Finite(textEmbeddings, nameof(textEmbeddings));
        TensorChecks.Finite(logitScale, nameof(logitScale));

        var (imageToText, textToImage) = LossFunctions.ClipContrastive(imageEmbeddings, textEmbeddings, logitScale);
        var total = imageToText.Plus(textToImage).DividedBy(2);
        return new LossResult(total, new Dictionary<string, Tensor>
        {
            ["image_to_text"] = imageToText,
            ["text_to_image"] = textToImage,
        });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;
}
