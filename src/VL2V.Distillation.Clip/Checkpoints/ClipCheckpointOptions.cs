namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>How <see cref="ClipCheckpoint.Load(string, ClipConfig?, ClipCheckpointOptions?)"/> builds the model.</summary>
public sealed record ClipCheckpointOptions
{
    /// <summary>The dtype of the model's parameters; weights stored in another floating dtype (e.g. fp16 files) are converted.</summary>
    /// <value>The default is <see cref="ScalarType.Float32"/>.</value>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Where the model lives.</summary>
    /// <value>The default is <see langword="null"/>: the CPU.</value>
    public Device? Device { get; init; }
}
