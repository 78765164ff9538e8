namespace VL2V.Distillation;

/// <summary>The parameter groups of a student, which training stages freeze or train separately.</summary>
public enum StudentPart
{
    /// <summary>The feature extractor <c>f</c> (ResNet, ViT, small CNN or CLIP image encoder).</summary>
    Backbone,

    /// <summary>The projection head <c>PF</c>: one linear layer from the feature size to the teacher's embedding size.</summary>
    Head,

    /// <summary>A linear classifier on the features, used by the ERM and KD baselines.</summary>
    Classifier,
}
