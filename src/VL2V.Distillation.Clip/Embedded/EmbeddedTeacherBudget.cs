namespace VL2V.Distillation.Clip.Embedded;

/// <summary>How long and how the embedded teacher is pretrained (<see cref="EmbeddedTeacher.GetOrTrain"/>); part of its cache key.</summary>
public sealed record EmbeddedTeacherBudget
{
    /// <summary>A name for logs and the metadata file.</summary>
    public required string Name { get; init; }

    /// <summary>Optimizer steps; each sees <see cref="BatchSize"/> fresh captioned images.</summary>
    public required int Steps { get; init; }

    /// <summary>Image-caption pairs per step (the contrastive batch, ≥ 2).</summary>
    /// <value>The default is 64.</value>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW's peak learning rate (linear warm-up over the first 10 % of steps, then cosine to 0).</summary>
    /// <value>The default is 1e-3.</value>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW's decoupled weight decay on matrices (not on gains, biases, embeddings of rank 1 or the logit scale).</summary>
    /// <value>The default is 0.05.</value>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>The seed of the initial weights and of the caption variants (the images come from the generator seed).</summary>
    /// <value>The default is 0.</value>
    public long Seed { get; init; }

    /// <summary>
    /// 400 steps (25 600 images) for quick runs: 29–30 s wall with one torch thread in the QuickStart's <c>--quick</c>
    /// run (72 s with two). Measured zero-shot class accuracy in three such runs: photo 0.27–0.41, painting 0.15–0.23,
    /// cartoon 0.34–0.37, sketch 0.17–0.37 (chance 0.10): enough to exercise distillation, not to show it (docs/synthdg.md).
    /// </summary>
    public static EmbeddedTeacherBudget Quick { get; } = new() { Name = "quick", Steps = 400 };

    /// <summary>
    /// 2 000 steps (128 000 images), the embedded benchmark's default: about 2.5 minutes with one torch thread on the
    /// 2-core machine (the QuickStart's setting; two threads were slower). Measured 2026-11-28 (docs/synthdg.md): in the
    /// QuickStart 138 s wall, loss 3.58 → 1.36, zero-shot class accuracy with the paper's prompt photo 0.84, painting
    /// 0.62, cartoon 0.91, sketch 0.73, 0.82 on average over the seven domains (chance 0.10); in the calibration probe
    /// (same recipe, other caption draws) 155 CPU-seconds and 0.85 on average.
    /// </summary>
    public static EmbeddedTeacherBudget Default { get; } = new() { Name = "default", Steps = 2000 };

    /// <summary>Checks every value and throws one exception that lists all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and the allowed range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("Name must not be empty.");
        if (Steps < 1) problems.Add($"Steps must be ≥ 1 (was {Steps}).");
        if (BatchSize < 2) problems.Add($"BatchSize must be ≥ 2 for a contrastive loss (was {BatchSize}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) problems.Add($"LearningRate must be positive and finite (was {LearningRate}).");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) problems.Add($"WeightDecay must be ≥ 0 and finite (was {WeightDecay}).");
        if (problems.Count > 0)
        {
            throw new ArgumentException("The 'EmbeddedTeacherBudget' is invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
