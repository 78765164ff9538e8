using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Losses;

/// <summary>
/// Hinton's knowledge distillation with the teacher's zero-shot logits as soft targets, plus cross-entropy on
/// the labels (the KD baseline of the paper's tables).
/// </summary>
/// <remarks>
/// <para><c>L = w_kd * tau^2 * KL(softmax(z_t / tau) || softmax(z_s / tau)) + w_ce * CE(z_s, y)</c>, where the KL is
/// summed over classes and averaged over the batch (PyTorch's <c>batchmean</c>) and
/// <c>z_t = logit_scale * cos(I_t, T_c)</c> are CLIP's zero-shot logits.</para>
/// <para>Hinton, Vinyals, Dean, "Distilling the Knowledge in a Neural Network", NeurIPS Deep Learning Workshop 2015.
/// The official VL2V code's KD baseline differs (KL of softmax against softmax, mean reduction, tau = 0.1); this
/// is the textbook form recommended in docs/losses.md.</para>
/// <para>Terms: <c>kd</c> = <c>tau^2 * KL</c>, <c>ce</c> = cross-entropy (un-weighted).</para>
/// </remarks>
public sealed class KnowledgeDistillationLoss : IDistillationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="temperature">Softmax temperature <c>tau</c> &gt; 0 applied to both logits.</param>
    /// <param name="distillationWeight">Weight <c>w_kd</c> ≥ 0 of the soft-target term.</param>
    /// <param name="crossEntropyWeight">Weight <c>w_ce</c> ≥ 0 of the cross-entropy term.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public KnowledgeDistillationLoss(double temperature = 4.0, double distillationWeight = 1.0, double crossEntropyWeight = 1.0)
    {
        Temperature = ArgumentChecks.PositiveFinite(temperature, nameof(temperature), "The KD temperature (4 is common)");
        DistillationWeight = ArgumentChecks.NonNegativeFinite(distillationWeight, nameof(distillationWeight), "The KD weight");
        CrossEntropyWeight = ArgumentChecks.NonNegativeFinite(crossEntropyWeight, nameof(crossEntropyWeight), "The cross-entropy weight");
    }

    /// <summary>Softmax temperature <c>tau</c>.</summary>
    /// <value>The default is 4.</value>
    public double Temperature { get; }

    /// <summary>Weight of the soft-target term.</summary>
    /// <value>The default is 1.</value>
    public double DistillationWeight { get; }

    /// <summary>Weight of the cross-entropy term.</summary>
    /// <value>The default is 1.</value>
    public double CrossEntropyWeight { get; }

    /// <inheritdoc />
    public string Formula
    {
        get
        {
            string tau = AdipLoss.Format(Temperature);
            return $"{AdipLoss.Format(DistillationWeight)}*{AdipLoss.Format(Temperature * Temperature)}*KL(softmax(z_t/{tau}) || softmax(z_s/{tau}))" +
                   $" + {AdipLoss.Format(CrossEntropyWeight)}*CE(z_s, y)";
        }
    }

    /// <inheritdoc />
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        var t = LossChecks.Teacher(teacher, nameof(KnowledgeDistillationLoss));
        var logits = LossChecks.Logits(student, nameof(KnowledgeDistillationLoss));
        TensorChecks.SameBatch(logits, "student.Logits", t.Image, "teacher.Image");
        if (logits.shape[1] != t.NumClasses)
        {
            throw new ArgumentException(
                $"The student's logits {TensorChecks.Shape(logits)} and the teacher's class text embeddings {TensorChecks.Shape(t.ClassText)} " +
                "disagree on the number of classes C. Build the student's classifier with one output per teacher class.", nameof(student));
        }
        TensorChecks.Labels(labels, logits, "student.Logits", logits.shape[1]);
        TensorChecks.Finite(t.Image, "teacher.Image");
        TensorChecks.Finite(t.ClassText, "teacher.ClassText");

        Tensor kd;
        using (var scope = torch.NewDisposeScope())
        {
            kd = LossFunctions.SoftTargetKl(logits, t.ZeroShotLogits().detach(), Temperature).MoveToOuterDisposeScope();
        }
        var ce = LossFunctions.CrossEntropy(logits, labels, 0.0);
        var total = kd.Times(DistillationWeight).Plus(ce.Times(CrossEntropyWeight));
        return new LossResult(total, new Dictionary<string, Tensor> { ["kd"] = kd, ["ce"] = ce });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;
}
