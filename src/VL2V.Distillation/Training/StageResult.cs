namespace VL2V.Distillation.Training;

/// <summary>What one stage of a run produced.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Evaluations">Every evaluation of the stage, in step order.</param>
/// <param name="TrainingDomainValidation">The evaluation chosen by training-domain validation (reportable).</param>
/// <param name="LastStep">The last evaluation (reportable).</param>
/// <param name="TestDomainOracle">The evaluation chosen by the target's out part (NOT reportable: it looks at the target).</param>
/// <param name="Swad">The SWAD-averaged model's evaluation, or null when SWAD is off.</param>
public sealed record StageResult(
    string Stage,
    IReadOnlyList<EvaluationRecord> Evaluations,
    EvaluationRecord TrainingDomainValidation,
    EvaluationRecord LastStep,
    EvaluationRecord TestDomainOracle,
    EvaluationRecord? Swad);
