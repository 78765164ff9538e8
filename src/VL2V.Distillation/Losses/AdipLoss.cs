using VL2V.Distillation.Internal;
using System.Globalization;

namespace VL2V.Distillation.Losses;

/// <summary>
/// The VL2V-ADiP / VL2V-SD objective: pull the student's embedding towards the teacher's image embedding and
/// towards the text embedding of the true class, both by cosine similarity.
/// </summary>
/// <remarks>
/// <para><c>L = lambda * (-mean_i cos(p_i, I_t(x_i))) + (1 - lambda) * (-mean_i cos(p_i, T_{y_i}))</c></para>
/// <para>Addepalli et al., "Leveraging Vision-Language Models for Improving Domain Generalization in Image
/// Classification", CVPR 2024 (<c>L_ADiP</c> with <c>p = PF(f(x))</c>; <c>L_SD</c> with <c>p</c> the CLIP image
/// encoder's output). With <c>lambda = 0.5</c> it equals the paper's <c>-(1/2n) Σ [cos(p, T_y) + cos(p, I_t)]</c>.
/// <c>lambda = 1</c> gives the image-only and <c>lambda = 0</c> the text-only ablation. Both stages (Align,
/// Distill) use this one loss; they differ only in which parameters train. Cosine similarity makes the loss
/// invariant to the scale of <c>p</c> and of the targets.</para>
/// <para>Terms: <c>image</c> = <c>-mean cos(p, I_t)</c>, <c>text</c> = <c>-mean cos(p, T_y)</c> (un-weighted).</para>
/// </remarks>
public sealed class AdipLoss : IDistillationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="lambda">Weight of the image-embedding term in [0, 1]; the text term gets <c>1 - lambda</c>. The paper's default is 0.5.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1].</exception>
    public AdipLoss(double lambda = 0.5)
    {
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda,
                "The ADiP weight lambda must be in [0, 1] (0.5 in the paper; 1 = image target only, 0 = text target only).");
        }
        Lambda = lambda;
    }

    /// <summary>Weight of the image-embedding term; the text term gets <c>1 - Lambda</c>.</summary>
    /// <value>The default is 0.5.</value>
    public double Lambda { get; }

    /// <inheritdoc />
    public string Formula =>
        $"{Format(Lambda)}*(-mean cos(p, I_t)) + {Format(1 - Lambda)}*(-mean cos(p, T_y))";

    /// <inheritdoc />
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        var t = LossChecks.Teacher(teacher, nameof(AdipLoss));
        LossChecks.EmbeddingsAndLabels(student, t, labels);
        var image = LossFunctions.NegativeMeanCosine(student.Embedding, t.Image.detach());
        var text = LossFunctions.NegativeMeanCosine(student.Embedding, t.TextForLabels(labels).detach());
        var total = image.Times(Lambda).Plus(text.Times(1 - Lambda));
        return new LossResult(total, new Dictionary<string, Tensor> { ["image"] = image, ["text"] = text });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
