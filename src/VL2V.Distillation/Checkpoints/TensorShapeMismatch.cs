namespace VL2V.Distillation.Checkpoints;

/// <summary>A state-dict entry whose shape differs from the shape the module expects.</summary>
/// <param name="Key">The state-dict key, e.g. <c>visual.conv1.weight</c>.</param>
/// <param name="Expected">The shape of the module's tensor.</param>
/// <param name="Actual">The shape found in the checkpoint.</param>
public sealed record TensorShapeMismatch(string Key, IReadOnlyList<long> Expected, IReadOnlyList<long> Actual)
{
    /// <summary>Formats the entry as <c>key: expected [a, b], found [c, d]</c>.</summary>
    public override string ToString() =>
        $"{Key}: expected [{string.Join(", ", Expected)}], found [{string.Join(", ", Actual)}]";
}
