namespace VL2V.Distillation.Training;

/// <summary>What the trainer trains, and how the student predicts.</summary>
public enum DistillationMethod
{
    /// <summary>
    /// VL2V-ADiP: stage 1 (Align) trains only the projection head, stage 2 (Distill) starts from stage 1's selected
    /// checkpoint and trains only the backbone (BatchNorm statistics frozen); prediction is the teacher's zero-shot
    /// classifier on the projected embedding. <see cref="TrainerOptions.Lambda"/> 1 or 0 gives the image-only or
    /// text-only ablation.
    /// </summary>
    Adip,

    /// <summary>VL2V-SD: the student is CLIP's image encoder, all of it trains with the ADiP loss; zero-shot prediction.</summary>
    SelfDistillation,

    /// <summary>ERM baseline: backbone and a linear classifier trained with cross-entropy; the classifier predicts.</summary>
    Erm,

    /// <summary>KD baseline: backbone and classifier trained with Hinton's loss against the teacher's zero-shot logits plus cross-entropy.</summary>
    KnowledgeDistillation,

    /// <summary>Text2Concept-style baseline: ADiP's Align stage only (a linear map into the teacher's space on a frozen backbone).</summary>
    AlignOnly,

    /// <summary>Ablation: the ADiP loss with backbone and head trained jointly in one stage (no Align stage).</summary>
    SingleStageAdip,
}
