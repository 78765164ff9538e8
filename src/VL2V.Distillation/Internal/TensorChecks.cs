namespace VL2V.Distillation.Internal;

/// <summary>Input checks shared by losses and records; every message names the tensor and its shape.</summary>
internal static class TensorChecks
{
    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    public static void Rank(Tensor? t, int rank, string name, string expected)
    {
        if (t is null) throw new ArgumentNullException(name, $"Tensor '{name}' is required ({expected}).");
        if (t.dim() != rank)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape {Shape(t)} but must have rank {rank}, shape {expected}.", name);
        }
    }

    public static void FloatingPoint(Tensor t, string name)
    {
        if (!t.is_floating_point())
        {
            throw new ArgumentException(
                $"Tensor '{name}' {Shape(t)} has dtype {t.dtype} but must be floating point (float32).", name);
        }
    }

    public static void SameBatch(Tensor a, string aName, Tensor b, string bName)
    {
        if (a.shape[0] != b.shape[0])
        {
            throw new ArgumentException(
                $"Batch sizes differ: '{aName}' has shape {Shape(a)} and '{bName}' has shape {Shape(b)}; " +
                "both must describe the same B samples.", bName);
        }
    }

    public static void SameShape(Tensor a, string aName, Tensor b, string bName)
    {
        if (!a.shape.SequenceEqual(b.shape))
        {
            throw new ArgumentException(
                $"Shapes differ: '{aName}' has shape {Shape(a)} and '{bName}' has shape {Shape(b)}; they must be equal.", bName);
        }
    }

    public static void SameLastDim(Tensor a, string aName, Tensor b, string bName)
    {
        if (a.shape[^1] != b.shape[^1])
        {
            throw new ArgumentException(
                $"Embedding sizes differ: '{aName}' has shape {Shape(a)} and '{bName}' has shape {Shape(b)}; " +
                "the student must project into the teacher's embedding size.", bName);
        }
    }

    public static void Finite(Tensor t, string name)
    {
        using var scope = torch.NewDisposeScope();
        if (!torch.isfinite(t).all().item<bool>())
        {
            throw new ArgumentException(
                $"Tensor '{name}' {Shape(t)} contains NaN or infinite values.", name);
        }
    }

    /// <summary>Checks labels <c>[B]</c> int64 in <c>[0, classes)</c>, one per row of <paramref name="batch"/>.</summary>
    public static void Labels(Tensor? labels, Tensor batch, string batchName, long classes, string name = "labels")
    {
        long batchSize = batch.shape[0];
        Rank(labels, 1, name, "[B] int64");
        if (labels!.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Tensor '{name}' {Shape(labels)} has dtype {labels.dtype} but must be int64.", name);
        }
        if (labels.shape[0] != batchSize)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape {Shape(labels)} but '{batchName}' has shape {Shape(batch)}; there must be one label per sample.", name);
        }
        if (labels.numel() == 0) return;
        using var scope = torch.NewDisposeScope();
        // One device read for both bounds (this runs every training step).
        var bounds = torch.stack([labels.min(), labels.max()]).cpu().data<long>().ToArray();
        long min = bounds[0], max = bounds[1];
        if (min < 0 || max >= classes)
        {
            throw new ArgumentException(
                $"Tensor '{name}' {Shape(labels)} holds labels in [{min}, {max}] but there are {classes} classes; labels must be in [0, {classes - 1}].", name);
        }
    }
}
