namespace VL2V.Distillation.Teachers;

/// <summary>How <see cref="TeacherCacheBuilder.Build"/> fills a cache: which part of the items this process takes, and batching.</summary>
public sealed record TeacherCacheBuildOptions
{
    /// <summary>This process's part, in [0, <see cref="ShardCount"/>).</summary>
    /// <value>The default is 0.</value>
    public int ShardIndex { get; init; }

    /// <summary>The number of processes filling the cache together; each item belongs to exactly one part.</summary>
    /// <value>The default is 1.</value>
    public int ShardCount { get; init; } = 1;

    /// <summary>Images per teacher call.</summary>
    /// <value>The default is 64.</value>
    public int BatchSize { get; init; } = 64;

    /// <summary>The augmentation seed (the trainer's <see cref="Data.BatchLoaderOptions.Seed"/>) when the transform augments,
    /// or null for a deterministic transform (un-augmented keys; the items' views are then ignored).</summary>
    /// <value>The default is null.</value>
    public long? AugmentationSeed { get; init; }

    /// <summary>The loader's worker tasks that decode and transform images.</summary>
    /// <value>The default is the processor count, at most 8.</value>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>The device the images are moved to before the teacher encodes them (the teacher's device), or null to keep them on the CPU.</summary>
    /// <value>The default is null.</value>
    public Device? Device { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (ShardCount < 1) problems.Add($"ShardCount must be ≥ 1 (was {ShardCount}).");
        if (ShardIndex < 0 || ShardIndex >= Math.Max(ShardCount, 1)) problems.Add($"ShardIndex must be in [0, ShardCount = {ShardCount}) (was {ShardIndex}).");
        if (BatchSize < 1) problems.Add($"BatchSize must be ≥ 1 (was {BatchSize}).");
        if (Workers < 1) problems.Add($"Workers must be ≥ 1 (was {Workers}).");
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(TeacherCacheBuildOptions)}' are invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
