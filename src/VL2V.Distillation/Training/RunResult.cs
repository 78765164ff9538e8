namespace VL2V.Distillation.Training;

/// <summary>The result of one leave-one-domain-out run.</summary>
/// <param name="Method">The method trained.</param>
/// <param name="TargetDomains">The held-out domains.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Stages">Each stage's evaluations and selections, in order; the last stage is the reported one.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record RunResult(
    DistillationMethod Method,
    IReadOnlyList<string> TargetDomains,
    int Seed,
    IReadOnlyList<StageResult> Stages,
    TimeSpan Elapsed)
{
    /// <summary>The reported model's evaluation: the SWAD average when SWAD ran, else training-domain validation.</summary>
    public EvaluationRecord Reported => Stages[^1].Swad ?? Stages[^1].TrainingDomainValidation;
}
