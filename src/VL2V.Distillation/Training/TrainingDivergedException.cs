namespace VL2V.Distillation.Training;

/// <summary>The loss or the student's output became NaN or infinite; training stopped.</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="stage">The stage's name.</param>
    /// <param name="step">The step at which the values stopped being finite.</param>
    /// <param name="terms">The loss terms read at that step (may hold NaN).</param>
    /// <param name="detail">What was not finite.</param>
    public TrainingDivergedException(string stage, int step, IReadOnlyDictionary<string, double> terms, string detail)
        : base($"Training diverged in stage '{stage}' at step {step}: {detail}. Loss terms: " +
               (terms.Count == 0 ? "(none)" : string.Join(", ", terms.Select(t => $"{t.Key}={t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))) +
               ". Lower TrainerOptions.LearningRate or check the inputs; the student keeps the weights of the last finite step.")
    {
        Stage = stage;
        Step = step;
        Terms = terms;
    }

    /// <summary>The stage's name.</summary>
    public string Stage { get; }

    /// <summary>The step at which training diverged.</summary>
    public int Step { get; }

    /// <summary>The loss terms at that step.</summary>
    public IReadOnlyDictionary<string, double> Terms { get; }
}
