using System.Globalization;

namespace VL2V.Distillation;

/// <summary>The value of a loss for one batch: the total to back-propagate and its named terms.</summary>
/// <param name="Total">Scalar float32 tensor <c>[]</c> that carries gradients to the student.</param>
/// <param name="Terms">
/// Named scalar tensors <c>[]</c> for logging, each the un-weighted value of one component of the loss
/// (the loss's <see cref="IDistillationLoss.Formula"/> says how they combine into <paramref name="Total"/>).
/// </param>
public sealed record LossResult(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms)
{
    /// <summary>Reads the total and every term as .NET numbers. Synchronises with the device: call it on report steps only.</summary>
    /// <returns>A dictionary with the key <c>"total"</c> and one key per term.</returns>
    public IReadOnlyDictionary<string, double> ToValues()
    {
        var values = new Dictionary<string, double>(Terms.Count + 1) { ["total"] = Total.ToDouble() };
        foreach (var (name, term) in Terms) values[name] = term.ToDouble();
        return values;
    }

    /// <summary>Formats the total and the terms, e.g. <c>total=-0.7312 image=-0.81 text=-0.65</c>.</summary>
    public override string ToString() =>
        string.Join(" ", ToValues().Select(kv => kv.Key + "=" + kv.Value.ToString("0.####", CultureInfo.InvariantCulture)));
}
