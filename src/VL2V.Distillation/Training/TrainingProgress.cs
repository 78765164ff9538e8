namespace VL2V.Distillation.Training;

/// <summary>A progress report from the trainer: plain .NET numbers, read from the device only on report steps.</summary>
/// <param name="Stage">The stage's name: <c>align</c>, <c>distill</c> or <c>train</c>.</param>
/// <param name="StageIndex">The stage's position (0-based) among <paramref name="StageCount"/> stages.</param>
/// <param name="StageCount">The number of stages of the method.</param>
/// <param name="Step">The step just completed (0-based).</param>
/// <param name="TotalSteps">Steps in the stage.</param>
/// <param name="Loss">The total loss of the step.</param>
/// <param name="Terms">The loss terms of the step.</param>
/// <param name="Evaluation">The evaluation made after this step, if any.</param>
/// <param name="Elapsed">Time since the run started.</param>
public readonly record struct TrainingProgress(
    string Stage,
    int StageIndex,
    int StageCount,
    int Step,
    int TotalSteps,
    double Loss,
    IReadOnlyDictionary<string, double> Terms,
    EvaluationRecord? Evaluation,
    TimeSpan Elapsed);
