using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Data;

/// <summary>
/// A dataset held in memory, for tests and generated data. The tensors are copied at construction (the caller keeps
/// ownership of them), so the dataset holds no native memory and is immutable and thread-safe.
/// </summary>
/// <remarks>A sample's <see cref="SampleKey"/> is <c>domain/index</c> with the SHA-256 of its shape and pixels.</remarks>
public sealed class InMemoryDataset : IDomainDataset
{
    private readonly RgbImage[][] _images;
    private readonly long[][] _labels;
    private readonly string[][] _hashes;

    /// <summary>Copies the domains' images and labels.</summary>
    /// <param name="classes">The class names in label order.</param>
    /// <param name="domains">The domains in dataset order (at least one).</param>
    /// <exception cref="ArgumentException">The classes or domains are invalid; the message lists every problem.</exception>
    public InMemoryDataset(IReadOnlyList<string> classes, IReadOnlyList<InMemoryDomain> domains)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(domains);
        Validate(classes, domains);

        Classes = classes.ToList();
        Domains = domains.Select(d => d.Name).ToList();
        DomainSizes = domains.Select(d => new DomainSize(d.Name, (int)d.Images.shape[0])).ToList();
        _images = new RgbImage[domains.Count][];
        _labels = new long[domains.Count][];
        _hashes = new string[domains.Count][];
        for (int d = 0; d < domains.Count; d++)
        {
            _images[d] = ToImages(domains[d].Images);
            _labels[d] = domains[d].Labels.to_type(ScalarType.Int64).data<long>().ToArray();
            _hashes[d] = _images[d].Select(i => i.ContentHash()).ToArray();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Domains { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public IReadOnlyList<DomainSize> DomainSizes { get; }

    /// <inheritdoc />
    public long GetLabel(int domain, int index)
    {
        CheckIndex(domain, index);
        return _labels[domain][index];
    }

    /// <inheritdoc />
    public Sample Load(int domain, int index)
    {
        CheckIndex(domain, index);
        var key = new SampleKey($"{Domains[domain]}/{index}", _hashes[domain][index]);
        return new Sample(domain, index, _labels[domain][index], key, _images[domain][index]);
    }

    private void CheckIndex(int domain, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(domain);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(domain, _images.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _images[domain].Length);
    }

    private static RgbImage[] ToImages(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var bytes = images.dtype == ScalarType.Byte
            ? images.contiguous()
            : images.to_type(ScalarType.Float32).Times(255).round().ClampInPlace(0, 255).to_type(ScalarType.Byte).contiguous();
        int n = (int)bytes.shape[0], h = (int)bytes.shape[2], w = (int)bytes.shape[3];
        var all = bytes.cpu().data<byte>().ToArray();
        int size = 3 * h * w;
        return Enumerable.Range(0, n).Select(i => new RgbImage(w, h, all.AsSpan(i * size, size).ToArray())).ToArray();
    }

    private static void Validate(IReadOnlyList<string> classes, IReadOnlyList<InMemoryDomain> domains)
    {
        using var scope = torch.NewDisposeScope();
        var problems = new List<string>();
        if (classes.Count == 0)
            problems.Add("At least one class name is required.");
        if (domains.Count == 0)
            problems.Add("At least one domain is required.");
        foreach (var group in domains.GroupBy(d => d.Name).Where(g => g.Count() > 1))
            problems.Add($"Domain '{group.Key}' appears {group.Count()} times; domain names must be unique.");
        foreach (var domain in domains)
        {
            var name = domain.Name;
            if (domain.Images is null || domain.Labels is null)
            {
                problems.Add($"Domain '{name}' needs both images and labels.");
                continue;
            }
            var images = domain.Images;
            if (images.dim() != 4 || images.shape[1] != 3 || images.shape[0] < 1)
            {
                problems.Add($"Domain '{name}': images have shape {TensorChecks.Shape(images)} but must be [N,3,H,W] with N ≥ 1.");
            }
            else if (images.dtype != ScalarType.Byte && !images.is_floating_point())
            {
                problems.Add($"Domain '{name}': images have dtype {images.dtype} but must be uint8 (0–255) or floating point in [0, 1].");
            }
            else if (images.is_floating_point() && (images.min().item<float>() < 0 || images.max().item<float>() > 1))
            {
                problems.Add($"Domain '{name}': floating-point images must lie in [0, 1] but range over " +
                    $"[{images.min().item<float>()}, {images.max().item<float>()}]; divide 0–255 data by 255.");
            }
            var labels = domain.Labels;
            long count = images.dim() >= 1 ? images.shape[0] : 0;
            if (labels.dim() != 1 || labels.shape[0] != count)
            {
                problems.Add($"Domain '{name}': labels have shape {TensorChecks.Shape(labels)} but must be [N] with N = {count} (one per image).");
            }
            else if (labels.is_floating_point() || labels.dtype == ScalarType.Bool)
            {
                problems.Add($"Domain '{name}': labels have dtype {labels.dtype} but must be int64 class indices.");
            }
            else if (labels.to_type(ScalarType.Int64) is var longs && (longs.min().item<long>() < 0 || longs.max().item<long>() >= classes.Count))
            {
                problems.Add($"Domain '{name}': labels range over [{longs.min().item<long>()}, {longs.max().item<long>()}] " +
                    $"but must be class indices in [0, {classes.Count - 1}].");
            }
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("The in-memory dataset is invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
