using TorchSharp.Modules;

namespace VL2V.Distillation;

/// <summary>
/// An image model being trained: a backbone, usually a projection head into the teacher's space, and
/// optionally a classifier.
/// </summary>
/// <remarks>
/// <para>Implementations derive from <c>nn.Module&lt;Tensor, StudentOutput&gt;</c>: calling the module maps images
/// <c>[B, 3, H, W]</c> float32 to a <see cref="StudentOutput"/>. The trainer relies on both.</para>
/// <para>Thread-safety: a student is trained by one trainer at a time and is not thread-safe. It owns its
/// parameters; dispose it when done.</para>
/// </remarks>
public interface IStudent
{
    /// <summary>The backbone feature size <c>F</c>.</summary>
    long FeatureDim { get; }

    /// <summary>The size <c>D</c> of <see cref="StudentOutput.Embedding"/> (the teacher's embedding size).</summary>
    long EmbeddingDim { get; }

    /// <summary>The number of classifier outputs <c>C</c>, or null when the student has no classifier.</summary>
    int? NumClasses { get; }

    /// <summary>The parameter groups this student has.</summary>
    IReadOnlyList<StudentPart> Parts { get; }

    /// <summary>
    /// When true, BatchNorm layers keep using and never update their running statistics, even in training mode
    /// (the official code's <c>freeze_bn</c>). Their affine weights still train if their part trains.
    /// </summary>
    bool FreezeBatchNormStatistics { get; set; }

    /// <summary>The parameters of one part.</summary>
    /// <param name="part">One of <see cref="Parts"/>.</param>
    /// <exception cref="ArgumentException">The student has no such part.</exception>
    IEnumerable<Parameter> PartParameters(StudentPart part);
}
