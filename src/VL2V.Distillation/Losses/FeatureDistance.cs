namespace VL2V.Distillation.Losses;

/// <summary>How <see cref="FeatureDistillationLoss"/> compares the projected student embedding with the teacher's.</summary>
public enum FeatureDistance
{
    /// <summary>Mean squared error over all elements (SimKD, FitNets).</summary>
    L2,

    /// <summary>Cosine distance <c>1 - mean cos</c>.</summary>
    Cosine,
}
