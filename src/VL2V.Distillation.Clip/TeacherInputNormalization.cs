namespace VL2V.Distillation.Clip;

/// <summary>Which per-channel statistics the images reaching a <see cref="ClipTeacher"/>'s image tower are normalised with.</summary>
public enum TeacherInputNormalization
{
    /// <summary>
    /// The teacher encodes exactly the tensor the student receives (ImageNet-normalised, augmented), as the official
    /// VL2V code does (PAPER.md §2.9.1): <c>clip.load(...)[0]</c> discards CLIP's own transform and the teacher sees the
    /// DomainBed tensor. Reproduces the paper's recipe; the teacher's inputs are slightly off CLIP's training statistics.
    /// </summary>
    SameAsStudent = 0,

    /// <summary>
    /// The incoming tensor (normalised with <see cref="ClipTeacherOptions.InputMean"/> / <see cref="ClipTeacherOptions.InputStd"/>,
    /// ImageNet's by default) is re-normalised inside <see cref="ClipTeacher.Encode"/> to CLIP's statistics:
    /// <c>x·std_in + mean_in</c>, then <c>(x − mean_clip) / std_clip</c>. What CLIP was trained with; a deviation from the
    /// official code.
    /// </summary>
    ClipStatistics = 1,
}
