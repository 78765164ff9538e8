namespace VL2V.Distillation;

/// <summary>A domain of a multi-domain dataset and its number of samples.</summary>
/// <param name="Name">The domain name (e.g. <c>sketch</c>), unique within the dataset.</param>
/// <param name="Count">The number of samples in the domain.</param>
public readonly record struct DomainSize(string Name, int Count);
