namespace VL2V.Distillation.Training;

/// <summary>Dense weight averaging (SWAD) settings; the defaults are the paper's (LossValley 3, 6, 0.3).</summary>
public sealed record SwadOptions
{
    /// <summary>Whether to average weights with SWAD and report the averaged model.</summary>
    /// <value>The default is true, as for all of the paper's reported numbers.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>Convergence window: the valley starts when the oldest of this many segments has their lowest validation loss.</summary>
    /// <value>The default is 3.</value>
    public int NConverge { get; init; } = 3;

    /// <summary>Look-ahead window for leaving the valley.</summary>
    /// <value>The default is 6.</value>
    public int NTolerance { get; init; } = 6;

    /// <summary>The valley ends when the look-ahead minimum loss exceeds the convergence mean by this ratio.</summary>
    /// <value>The default is 0.3.</value>
    public double ToleranceRatio { get; init; } = 0.3;

    /// <summary>When the segment average restarts.</summary>
    /// <value>The default is <see cref="SwadSegmentReset.EveryEvaluation"/> (original SWAD).</value>
    public SwadSegmentReset SegmentReset { get; init; } = SwadSegmentReset.EveryEvaluation;

    /// <summary>Training batches used to recompute BatchNorm statistics of the averaged model (0 = keep them).</summary>
    /// <value>The default is 500, as SWAD's <c>update_bn</c>.</value>
    public int BatchNormRefreshSteps { get; init; } = 500;

    internal IEnumerable<string> Problems()
    {
        if (NConverge < 1) yield return $"Swad.NConverge must be ≥ 1 (was {NConverge}).";
        if (NTolerance < 1) yield return $"Swad.NTolerance must be ≥ 1 (was {NTolerance}).";
        if (!(ToleranceRatio >= 0) || double.IsInfinity(ToleranceRatio)) yield return $"Swad.ToleranceRatio must be a finite number ≥ 0 (was {ToleranceRatio}).";
        if (!Enum.IsDefined(SegmentReset)) yield return $"Swad.SegmentReset must be one of {string.Join(", ", Enum.GetNames<SwadSegmentReset>())} (was {SegmentReset}).";
        if (BatchNormRefreshSteps < 0) yield return $"Swad.BatchNormRefreshSteps must be ≥ 0 (was {BatchNormRefreshSteps}).";
    }
}
