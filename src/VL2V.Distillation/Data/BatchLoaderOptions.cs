namespace VL2V.Distillation.Data;

/// <summary>How a <see cref="BatchLoader"/> decodes and augments.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>The number of worker tasks that decode and transform images in parallel.</summary>
    /// <value>The default is the processor count, at most 8.</value>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>The most batches prepared (in progress or ready) ahead of the consumer; bounds the loader's memory.</summary>
    /// <value>The default is 2.</value>
    public int Prefetch { get; init; } = 2;

    /// <summary>The augmentation seed (the <see cref="AugmentationKey.Seed"/> of every view).</summary>
    /// <value>The default is 0.</value>
    public long Seed { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (Workers < 1) problems.Add($"Workers must be ≥ 1 (was {Workers}).");
        if (Prefetch < 1) problems.Add($"Prefetch must be ≥ 1 (was {Prefetch}).");
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(BatchLoaderOptions)}' are invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
