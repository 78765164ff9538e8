namespace VL2V.Distillation.Teachers;

/// <summary>What <see cref="TeacherEmbeddingCache"/> does with a shard file that fails validation when it opens.</summary>
public enum CorruptShardPolicy
{
    /// <summary>Throw an <see cref="InvalidDataException"/> that names the file (the default).</summary>
    Throw,

    /// <summary>Ignore the file and list it in <see cref="TeacherEmbeddingCache.DroppedShards"/>; its rows count as missing and are recomputed.</summary>
    Drop,
}
