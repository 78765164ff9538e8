namespace VL2V.Distillation.Teachers;

/// <summary>How a <see cref="TeacherEmbeddingCache"/> stores and checks its shards.</summary>
public sealed record TeacherCacheOptions
{
    /// <summary>The stored dtype: <see cref="ScalarType.Float32"/> (exact) or <see cref="ScalarType.Float16"/> (half the
    /// disk, rows rounded to fp16 and re-normalised), or null for the manifest's dtype (Float32 for a new cache).</summary>
    /// <value>The default is null.</value>
    public ScalarType? DType { get; init; }

    /// <summary>The number of rows buffered before a shard file is written (one file per this many embeddings).</summary>
    /// <value>The default is 8192 rows (16 MiB at D = 512 in float32).</value>
    public int ShardRows { get; init; } = 8192;

    /// <summary>What to do with a shard file that fails validation.</summary>
    /// <value>The default is <see cref="CorruptShardPolicy.Throw"/>.</value>
    public CorruptShardPolicy OnCorruptShard { get; init; } = CorruptShardPolicy.Throw;

    /// <summary>Whether opening hashes every shard's data and compares it with the SHA-256 stored in its header
    /// (detects flipped or zeroed bytes, not just truncation; costs one sequential read of the cache).</summary>
    /// <value>The default is true.</value>
    public bool VerifyData { get; init; } = true;

    internal void Validate()
    {
        var problems = new List<string>();
        if (DType is { } d && d != ScalarType.Float32 && d != ScalarType.Float16)
            problems.Add($"DType must be Float32, Float16 or null (was {d}).");
        if (ShardRows < 1) problems.Add($"ShardRows must be ≥ 1 (was {ShardRows}).");
        if (!Enum.IsDefined(OnCorruptShard)) problems.Add($"OnCorruptShard must be Throw or Drop (was {(int)OnCorruptShard}).");
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(TeacherCacheOptions)}' are invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
