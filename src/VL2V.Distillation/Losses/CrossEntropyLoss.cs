namespace VL2V.Distillation.Losses;

/// <summary>Cross-entropy of the student's classifier logits against the labels (the ERM baseline).</summary>
/// <remarks>
/// <para><c>L = -mean_i Σ_c q_{i,c} log softmax(z_i)_c</c> with <c>q = (1 - eps) * onehot(y) + eps / C</c>
/// (label smoothing, Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016; <c>eps = 0</c> is plain cross-entropy).</para>
/// <para>Term: <c>ce</c>.</para>
/// </remarks>
public sealed class CrossEntropyLoss : IDistillationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">Label smoothing <c>eps</c> in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1).</exception>
    public CrossEntropyLoss(double labelSmoothing = 0.0)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                "Label smoothing must be in [0, 1) (0 = plain cross-entropy, 0.1 is common).");
        }
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Label smoothing <c>eps</c>.</summary>
    /// <value>The default is 0 (plain cross-entropy).</value>
    public double LabelSmoothing { get; }

    /// <inheritdoc />
    public string Formula => LabelSmoothing == 0
        ? "CE(z_s, y)"
        : $"CE(z_s, y; label smoothing {AdipLoss.Format(LabelSmoothing)})";

    /// <inheritdoc />
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        var logits = LossChecks.Logits(student, nameof(CrossEntropyLoss));
        Internal.TensorChecks.Labels(labels, logits, "student.Logits", logits.shape[1]);
        var ce = LossFunctions.CrossEntropy(logits, labels, LabelSmoothing);
        return new LossResult(ce, new Dictionary<string, Tensor> { ["ce"] = ce });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;
}
