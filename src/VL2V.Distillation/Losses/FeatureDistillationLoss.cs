using VL2V.Distillation.Internal;
namespace VL2V.Distillation.Losses;

/// <summary>
/// Feature distillation: match the student's projected embedding to the teacher's image embedding, by L2 or by
/// cosine distance. Labels are checked but not used.
/// </summary>
/// <remarks>
/// <para>L2: <c>L = mean_{i,d} (p_{i,d} - I_t(x_i)_d)^2</c> (Chen et al., "Knowledge Distillation with the Reused Teacher
/// Classifier" (SimKD), CVPR 2022; Romero et al., "FitNets", ICLR 2015). The teacher embedding is unit-norm, so
/// the L2 form also pulls the student's norm towards 1.</para>
/// <para>Cosine: <c>L = 1 - mean_i cos(p_i, I_t(x_i))</c>, scale-invariant, non-negative.</para>
/// <para>Term: <c>feature</c>.</para>
/// </remarks>
public sealed class FeatureDistillationLoss : IDistillationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="distance">The distance to use.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="distance"/> is not a defined value.</exception>
    public FeatureDistillationLoss(FeatureDistance distance = FeatureDistance.L2)
    {
        if (!Enum.IsDefined(distance))
        {
            throw new ArgumentOutOfRangeException(nameof(distance), distance,
                $"Unknown feature distance. Known: {string.Join(", ", Enum.GetNames<FeatureDistance>())}.");
        }
        Distance = distance;
    }

    /// <summary>The distance used.</summary>
    /// <value>The default is <see cref="FeatureDistance.L2"/>.</value>
    public FeatureDistance Distance { get; }

    /// <inheritdoc />
    public string Formula => Distance == FeatureDistance.L2 ? "mean (p - I_t)^2" : "1 - mean cos(p, I_t)";

    /// <inheritdoc />
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        var t = LossChecks.Teacher(teacher, nameof(FeatureDistillationLoss));
        LossChecks.EmbeddingsAndLabels(student, t, labels);
        var target = t.Image.detach();
        var feature = Distance == FeatureDistance.L2
            ? LossFunctions.MeanSquaredError(student.Embedding, target)
            : LossFunctions.NegativeMeanCosine(student.Embedding, target).Plus(1);
        return new LossResult(feature, new Dictionary<string, Tensor> { ["feature"] = feature });
    }

    /// <inheritdoc />
    public override string ToString() => Formula;
}
