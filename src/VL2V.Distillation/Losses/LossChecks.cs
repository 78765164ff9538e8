using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Losses;

/// <summary>Input checks shared by the losses.</summary>
internal static class LossChecks
{
    public static TeacherEmbeddings Teacher(TeacherEmbeddings? teacher, string loss)
    {
        if (teacher is null)
        {
            throw new ArgumentNullException(nameof(teacher),
                $"{loss} needs the teacher's embeddings for the batch, but 'teacher' was null. Pass the result of ITeacher.Encode.");
        }
        return teacher;
    }

    /// <summary>Student embedding <c>[B, D]</c> against teacher image <c>[B, D]</c>; labels <c>[B]</c> against <c>C</c> classes.</summary>
    public static void EmbeddingsAndLabels(StudentOutput student, TeacherEmbeddings teacher, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(student);
        var embedding = student.Embedding;
        TensorChecks.SameBatch(embedding, "student.Embedding", teacher.Image, "teacher.Image");
        TensorChecks.SameLastDim(embedding, "student.Embedding", teacher.Image, "teacher.Image");
        TensorChecks.Labels(labels, embedding, "student.Embedding", teacher.NumClasses);
        TensorChecks.Finite(embedding, "student.Embedding");
        TensorChecks.Finite(teacher.Image, "teacher.Image");
        TensorChecks.Finite(teacher.ClassText, "teacher.ClassText");
    }

    public static Tensor Logits(StudentOutput student, string loss)
    {
        ArgumentNullException.ThrowIfNull(student);
        if (student.Logits is null)
        {
            throw new ArgumentException(
                $"{loss} needs classifier logits, but 'student.Logits' was null. Use a student with a classifier (StudentPart.Classifier).",
                nameof(student));
        }
        TensorChecks.Finite(student.Logits, "student.Logits");
        return student.Logits;
    }
}
