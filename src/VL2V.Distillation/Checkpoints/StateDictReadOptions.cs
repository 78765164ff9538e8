namespace VL2V.Distillation.Checkpoints;

/// <summary>How <see cref="StateDictFile.Read(string, StateDictReadOptions?)"/> reads a weight file.</summary>
public sealed record StateDictReadOptions
{
    /// <summary>
    /// The dtype every floating-point tensor is converted to after reading (integer and bool tensors keep theirs).
    /// </summary>
    /// <value>The default is <see langword="null"/>: tensors keep the dtype stored in the file.</value>
    public ScalarType? FloatingDType { get; init; }

    /// <summary>Whether a <c>module.</c> prefix (left by PyTorch's DataParallel / DistributedDataParallel) is removed from every key that has it.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool StripModulePrefix { get; init; } = true;

    /// <summary>The largest header (safetensors JSON) or pickle (<c>data.pkl</c>) accepted, in bytes; larger ones are rejected as corrupt or hostile.</summary>
    /// <value>The default is 100 000 000 bytes, the limit of the reference safetensors implementation.</value>
    public long MaxHeaderBytes { get; init; } = 100_000_000;
}
