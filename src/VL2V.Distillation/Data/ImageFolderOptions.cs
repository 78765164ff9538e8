namespace VL2V.Distillation.Data;

/// <summary>How <see cref="ImageFolderDataset.Open"/> reads and validates a DomainBed-layout folder.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>How every image is checked before training starts.</summary>
    /// <value>The default is <see cref="ImageValidation.Decode"/>.</value>
    public ImageValidation Validation { get; init; } = ImageValidation.Decode;

    /// <summary>
    /// Whether images that fail validation are left out (and listed in <see cref="ImageFolderDataset.Report"/>)
    /// instead of failing <see cref="ImageFolderDataset.Open"/>. Structural problems (class sets, empty classes) always fail.
    /// </summary>
    /// <value>The default is false: any bad image fails with one exception that lists every problem.</value>
    public bool SkipInvalidImages { get; init; }

    /// <summary>A known benchmark the folder must match (same domain and class folders), or null to accept any layout.</summary>
    /// <value>The default is null.</value>
    public DatasetDescriptor? Expected { get; init; }

    /// <summary>How many images are validated in parallel.</summary>
    /// <value>The default is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
