using Microsoft.Extensions.Logging;

namespace VL2V.Distillation.Training;

/// <summary>The trainer's log messages (source-generated; structured, no interpolation).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Training {Method} on [{Sources}] → [{Targets}], seed {Seed}, {Stages} stage(s) of {Steps} steps")]
    public static partial void RunStarted(ILogger logger, DistillationMethod method, string sources, string targets, int seed, int stages, int steps);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stage {Stage}: training [{Parts}] with {Formula}")]
    public static partial void StageStarted(ILogger logger, string stage, string parts, string formula);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Stage {Stage} step {Step}: source val acc {ValAccuracy:F4} loss {ValLoss:F4}, target acc {TargetAccuracy:F4}")]
    public static partial void Evaluated(ILogger logger, string stage, int step, double valAccuracy, double valLoss, double targetAccuracy);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stage {Stage}: handing over the step-{Step} checkpoint (best source validation accuracy {Accuracy:F4})")]
    public static partial void CheckpointHandedOver(ILogger logger, string stage, int step, double accuracy);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Stage {Stage}: SWAD averaged {Count} segment(s) over steps {StartStep}-{EndStep}; target acc {TargetAccuracy:F4}")]
    public static partial void SwadFinished(ILogger logger, string stage, long count, int startStep, int endStep, double targetAccuracy);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Stage {Stage} step {Step}/{TotalSteps}: loss {Loss:F4}")]
    public static partial void StepCompleted(ILogger logger, string stage, int step, int totalSteps, double loss);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Run cancelled in stage {Stage} at step {Step}; the student keeps the weights of the last completed step")]
    public static partial void Cancelled(ILogger logger, string stage, int step);
}
