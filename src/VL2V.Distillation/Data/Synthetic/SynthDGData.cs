namespace VL2V.Distillation.Data.Synthetic;

/// <summary>A generated multi-domain dataset and the caption of every image.</summary>
/// <param name="Options">The options it was generated with.</param>
/// <param name="Dataset">The images and labels, domains in <see cref="SynthDGOptions.EffectiveDomains"/> order, named by <see cref="SynthDG.DomainName"/>.</param>
/// <param name="Captions">The captions, <c>Captions[domain][index]</c>, in the dataset's index space.</param>
public sealed record SynthDGData(SynthDGOptions Options, InMemoryDataset Dataset, IReadOnlyList<IReadOnlyList<string>> Captions);
