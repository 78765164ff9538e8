using System.Collections;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Losses;

/// <summary>
/// A weighted sum of named losses, built with a collection initializer:
/// <code>
/// var loss = new CompositeLoss
/// {
///     { "adip", new AdipLoss(0.5), 1.0 },
///     { "ce",   new CrossEntropyLoss(), 0.1 },
/// };
/// // loss.ToString(): "L = 1*adip + 0.1*ce, where adip = 0.5*(-mean cos(p, I_t)) + ..., ce = CE(z_s, y)"
/// </code>
/// </summary>
/// <remarks>
/// <c>Total = Σ_k w_k * L_k.Total</c>. Terms: each component's total under its name, and each of its own terms
/// under <c>name.term</c> (all un-weighted). Immutable once built and used; not thread-safe while being built.
/// </remarks>
public sealed class CompositeLoss : IDistillationLoss, IEnumerable<CompositeLoss.Component>
{
    private readonly List<Component> _components = [];

    /// <summary>One named, weighted part of a <see cref="CompositeLoss"/>.</summary>
    /// <param name="Name">The term name used in logs and progress (short snake_case, e.g. <c>adip</c>).</param>
    /// <param name="Loss">The loss.</param>
    /// <param name="Weight">Its weight in the sum.</param>
    public sealed record Component(string Name, IDistillationLoss Loss, double Weight);

    /// <summary>The components, in the order they were added.</summary>
    public IReadOnlyList<Component> Components => _components;

    /// <summary>Adds a component.</summary>
    /// <param name="name">A unique, non-empty name without spaces or dots.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="weight">A finite weight ≥ 0.</param>
    /// <exception cref="ArgumentException">The name is empty, repeated or has a space or dot, or the weight is negative or not finite.</exception>
    public void Add(string name, IDistillationLoss loss, double weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || c == '.'))
            throw new ArgumentException($"Loss name '{name}' must be non-empty and have no spaces or dots (e.g. 'adip', 'ce').", nameof(name));
        if (_components.Any(c => c.Name == name))
            throw new ArgumentException($"A loss named '{name}' was already added; names must be unique.", nameof(name));
        ArgumentChecks.NonNegativeFinite(weight, nameof(weight), $"The weight of loss '{name}'");
        _components.Add(new Component(name, loss, weight));
    }

    /// <inheritdoc />
    public string Formula
    {
        get
        {
            if (_components.Count == 0) return "L = 0";
            var sum = string.Join(" + ", _components.Select(c => $"{AdipLoss.Format(c.Weight)}*{c.Name}"));
            var parts = string.Join(", ", _components.Select(c => $"{c.Name} = {c.Loss.Formula}"));
            return $"L = {sum}, where {parts}";
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No component was added.</exception>
    public LossResult Compute(StudentOutput student, TeacherEmbeddings? teacher, Tensor labels)
    {
        if (_components.Count == 0)
            throw new InvalidOperationException("This CompositeLoss has no components. Add at least one with Add(name, loss, weight).");
        Tensor? total = null;
        var terms = new Dictionary<string, Tensor>();
        foreach (var component in _components)
        {
            var result = component.Loss.Compute(student, teacher, labels);
            var weighted = result.Total.Times(component.Weight);
            total = total is null ? weighted : total.Plus(weighted);
            terms[component.Name] = result.Total;
            foreach (var (term, value) in result.Terms) terms[$"{component.Name}.{term}"] = value;
        }
        return new LossResult(total!, terms);
    }

    /// <inheritdoc />
    public IEnumerator<Component> GetEnumerator() => _components.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => Formula;
}
