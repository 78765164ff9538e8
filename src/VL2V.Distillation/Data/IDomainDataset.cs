namespace VL2V.Distillation.Data;

/// <summary>
/// A labelled image dataset organised as domains × classes × samples, addressed by (domain, index within the domain):
/// the index space that <see cref="DomainSplit"/> partitions.
/// </summary>
/// <remarks>
/// Every domain shares the same classes, in the same order. Implementations are immutable after construction and
/// every member is thread-safe, so a <see cref="BatchLoader"/> may call <see cref="Load"/> from many workers at once.
/// </remarks>
public interface IDomainDataset
{
    /// <summary>The domain names in dataset order (DomainBed's environment order).</summary>
    IReadOnlyList<string> Domains { get; }

    /// <summary>The class names in label order, readable as text (<c>'_'</c> of folder names read as a space).</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Each domain's name and sample count in dataset order: the input of <see cref="DomainSplit"/>.</summary>
    IReadOnlyList<DomainSize> DomainSizes { get; }

    /// <summary>The class index of a sample, without loading it.</summary>
    /// <param name="domain">The domain's position in <see cref="Domains"/>.</param>
    /// <param name="index">The sample's index within the domain.</param>
    /// <exception cref="ArgumentOutOfRangeException">The domain or index is out of range.</exception>
    long GetLabel(int domain, int index);

    /// <summary>Reads and decodes a sample.</summary>
    /// <param name="domain">The domain's position in <see cref="Domains"/>.</param>
    /// <param name="index">The sample's index within the domain.</param>
    /// <exception cref="ArgumentOutOfRangeException">The domain or index is out of range.</exception>
    /// <exception cref="InvalidDataException">The image cannot be read or decoded; the message names the file.</exception>
    Sample Load(int domain, int index);
}
