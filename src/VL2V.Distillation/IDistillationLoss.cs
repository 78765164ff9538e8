namespace VL2V.Distillation;

/// <summary>
/// A training objective for the student: a pure function of the student's output, the teacher's embeddings
/// and the labels. Losses own no parameters (learnable temperatures live in the models).
/// </summary>
/// <remarks>
/// Implementations validate their inputs and throw <see cref="ArgumentException"/> naming the tensors and
/// their shapes when the batch sizes or embedding sizes disagree, a label is out of range, or an input holds
/// NaN or infinity. Teacher tensors are detached: gradients reach the student only. The returned tensors join
/// the caller's dispose scope. Implementations are immutable and thread-safe.
/// </remarks>
public interface IDistillationLoss
{
    /// <summary>The formula this loss computes, in plain text, e.g. <c>0.5*(-mean cos(p, I_t)) + 0.5*(-mean cos(p, T_y))</c>.</summary>
    string Formula { get; }

    /// <summary>Computes the loss for one batch.</summary>
    /// <param name="student">The student's output for the batch (embedding <c>[B, D]</c>, optional logits <c>[B, C]</c>).</param>
    /// <param name="teacher">The teacher's embeddings for the same batch, or null for losses that do not use a teacher.</param>
    /// <param name="labels">Class labels <c>[B]</c> int64 in <c>[0, C)</c>.</param>
    /// <returns>The total (scalar float32 with gradients) and the named terms.</returns>
    LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels);
}
