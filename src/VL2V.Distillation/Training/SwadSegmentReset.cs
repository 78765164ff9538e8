namespace VL2V.Distillation.Training;

/// <summary>When the running segment average that SWAD hands to its loss-valley detector starts afresh.</summary>
public enum SwadSegmentReset
{
    /// <summary>After every evaluation, as the original SWAD and the official VL2V ViT-B/16 stage-2 script do.</summary>
    EveryEvaluation,

    /// <summary>
    /// Only at evaluations where <c>step % 1000 == 0</c> and <c>step &gt; 2500</c>: the official VL2V code's default
    /// (<c>--swad_fix</c> unset), used by its other scripts.
    /// </summary>
    OfficialVl2vDefault,
}
