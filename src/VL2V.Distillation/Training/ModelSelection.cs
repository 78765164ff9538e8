namespace VL2V.Distillation.Training;

/// <summary>Which evaluation of a run is reported (DomainBed / SWAD model selection).</summary>
public enum ModelSelection
{
    /// <summary>
    /// The evaluation with the best mean accuracy on the source domains' held-out (out) parts. Uses no target data:
    /// the default, and the one that may be reported.
    /// </summary>
    TrainingDomainValidation,

    /// <summary>The last evaluation (no early stopping).</summary>
    LastStep,

    /// <summary>
    /// The evaluation with the best accuracy on the target domain's out part. It peeks at the target domain, so it is
    /// an upper bound for analysis only and must not be reported as a domain-generalization result.
    /// </summary>
    TestDomainOracle,
}
