using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Losses;

/// <summary>
/// Relational knowledge distillation: match the structure of the batch (pairwise distances and triplet angles)
/// of the student's embeddings to that of the teacher's image embeddings. Labels are checked but not used.
/// </summary>
/// <remarks>
/// <para><c>L = w_d * RKD-D + w_a * RKD-A</c>. RKD-D = <c>mean_{i,j} huber(d_s(i,j)/mu_s - d_t(i,j)/mu_t)</c>, with
/// <c>d</c> the Euclidean distance and <c>mu</c> its mean over distinct pairs. RKD-A = <c>mean_{i,j,k} huber(a_s(i,j,k) - a_t(i,j,k))</c>,
/// with <c>a(i,j,k) = cos angle(e_i - e_j, e_k - e_j)</c>. Huber is smooth L1 with beta 1.</para>
/// <para>Park, Kim, Lu, Cho, "Relational Knowledge Distillation", CVPR 2019. Default weights 1 and 2 follow the
/// authors' released training scripts. The loss is invariant to the scale of either embedding set.</para>
/// <para>Terms: <c>distance</c>, <c>angle</c> (un-weighted). Needs a batch of at least 2.</para>
/// </remarks>
public sealed class RelationalDistillationLoss : IDistillationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="distanceWeight">Weight <c>w_d</c> ≥ 0 of the distance term.</param>
    /// <param name="angleWeight">Weight <c>w_a</c> ≥ 0 of the angle term.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative, infinite or NaN.</exception>
    public RelationalDistillationLoss(double distanceWeight = 1.0, double angleWeight = 2.0)
    {
        DistanceWeight = ArgumentChecks.NonNegativeFinite(distanceWeight, nameof(distanceWeight), "The RKD distance weight");
        AngleWeight = ArgumentChecks.NonNegativeFinite(angleWeight, nameof(angleWeight), "The RKD angle weight");
    }

    /// <summary>Weight of the distance-wise term.</summary>
    /// <value>The default is 1.</value>
    public double DistanceWeight { get; }

    /// <summary>Weight of the angle-wise term.</summary>
    /// <value>The default is 2.</value>
    public double AngleWeight { get; }

    /// <inheritdoc />
    public string Formula => $"{AdipLoss.Format(DistanceWeight)}*RKD-D(p, I_t) + {AdipLoss.Format(AngleWeight)}*RKD-A(p, I_t)";

    /// <inheritdoc />
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        var t = LossChecks.Teacher(teacher, nameof(RelationalDistillationLoss));
        LossChecks.EmbeddingsAndLabels(student, t, labels);
        if (student.BatchSize < 2)
        {
            throw new ArgumentException(
                $"{nameof(RelationalDistillationLoss)} compares pairs of samples, but 'student.Embedding' has shape " +
                $"{TensorChecks.Shape(student.Embedding)}; use a batch of at least 2.", nameof(student));
        }
        var target = t.Image.detach();
        var distance = LossFunctions.RelationalDistance(student.Embedding, target);
        var angle = LossFunctions.RelationalAngle(student.Embedding, target);
        var total = distance.Times(DistanceWeight).Plus(angle.Times(AngleWeight));
        return new LossResult(total, new Dictionary<string, Tensor> { ["distance"] = distance, ["angle"] = angle });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;
}
