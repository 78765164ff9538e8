namespace VL2V.Distillation.Training;

/// <summary>Accuracies and losses of the student at one evaluation step.</summary>
/// <param name="Step">The training step after which the evaluation ran.</param>
/// <param name="SourceValidationAccuracy">Mean over source domains of the accuracy on their out parts (SWAD's <c>train_out</c>), in [0, 1].</param>
/// <param name="SourceValidationLoss">Mean over source domains of the cross-entropy of the prediction logits on their out parts (SWAD's <c>tr_outloss</c>).</param>
/// <param name="TargetAccuracy">Mean over target domains of the accuracy on their in parts (<c>test_in</c>, the reported number).</param>
/// <param name="TargetOutAccuracy">Mean over target domains of the accuracy on their out parts (<c>test_out</c>, used only by the oracle).</param>
/// <param name="DomainAccuracies">Accuracy per domain and part, keyed like <c>"sketch/in"</c>.</param>
public sealed record EvaluationRecord(
    int Step,
    double SourceValidationAccuracy,
    double SourceValidationLoss,
    double TargetAccuracy,
    double TargetOutAccuracy,
    IReadOnlyDictionary<string, double> DomainAccuracies)
{
    /// <summary>
    /// Picks the reported evaluation from a run's records, as SWAD's trainer does: the first record with the highest
    /// source validation accuracy, the last record, or the first with the highest target out-part accuracy.
    /// </summary>
    /// <exception cref="ArgumentException">There are no records.</exception>
    public static EvaluationRecord Select(IReadOnlyList<EvaluationRecord> records, ModelSelection selection)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("No evaluation was recorded; evaluate at least once before selecting a model.", nameof(records));
        return selection switch
        {
            ModelSelection.TrainingDomainValidation => FirstMax(records, r => r.SourceValidationAccuracy),
            ModelSelection.LastStep => records.MaxBy(r => r.Step)!,
            ModelSelection.TestDomainOracle => FirstMax(records, r => r.TargetOutAccuracy),
            _ => throw new ArgumentOutOfRangeException(nameof(selection), selection, "Unknown model selection."),
        };
    }

    private static EvaluationRecord FirstMax(IReadOnlyList<EvaluationRecord> records, Func<EvaluationRecord, double> key)
    {
        var best = records[0];
        foreach (var record in records.Skip(1))
        {
            if (key(record) > key(best)) best = record;
        }
        return best;
    }
}
