using System.Globalization;
using System.Text.RegularExpressions;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// What a frozen teacher's image embedding depends on besides the teacher itself: the image content and the
/// augmented view of it (or none). The cache is addressed by <see cref="ContentAddress"/>; the string form
/// (<see cref="ToString"/>) is what a trainer passes to <see cref="ITeacher.Encode"/> as a sample key.
/// </summary>
/// <remarks>
/// <para>The view is the whole <see cref="AugmentationKey"/> (seed, dataset-wide sample index, view), not just the
/// view number, because <see cref="DomainBedAugmentation"/> draws its randomness from all three: two copies of the
/// same image at different positions get different crops. The augmentation settings themselves (size, crop scale,
/// jitter, normalisation) are not in the key; they belong in the cache's teacher fingerprint.</para>
/// <para>String form: <c>path@sha256</c> for an un-augmented image (<see cref="SampleKey.ToString"/>) and
/// <c>path@sha256#seed:sample:view</c> for an augmented view. Content address: the same without <c>path@</c>, so a
/// renamed copy of a file hits the same cache rows.</para>
/// </remarks>
public readonly partial record struct TeacherCacheKey
{
    private TeacherCacheKey(SampleKey sample, AugmentationKey? view)
    {
        ArgumentNullException.ThrowIfNull(sample.Path, nameof(sample));
        if (sample.Sha256 is null || !ShaPattern().IsMatch(sample.Sha256))
        {
            throw new ArgumentException(
                $"Sample '{sample.Path}' has content hash '{sample.Sha256}', but a teacher cache key needs the lowercase hex SHA-256 " +
                "of the image (64 characters, as SampleKey.Sha256 holds it).", nameof(sample));
        }
        Sample = sample;
        View = view;
    }

    /// <summary>The sample's identity (path and content hash).</summary>
    public SampleKey Sample { get; }

    /// <summary>The augmented view, or null for the un-augmented image (evaluation transform).</summary>
    public AugmentationKey? View { get; }

    /// <summary>The cache address: <c>sha256</c> or <c>sha256#seed:sample:view</c>; the path is not part of it.</summary>
    public string ContentAddress => View is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"{Sample.Sha256}#{v.Seed}:{v.Sample}:{v.View}")
        : Sample.Sha256 ?? throw new InvalidOperationException("A default TeacherCacheKey has no content; create keys with Unaugmented or Augmented.");

    /// <summary>The key of an image seen without augmentation.</summary>
    /// <param name="sample">The sample's identity.</param>
    /// <exception cref="ArgumentException">The content hash is not a lowercase hex SHA-256.</exception>
    public static TeacherCacheKey Unaugmented(SampleKey sample) => new(sample, null);

    /// <summary>The key of one augmented view of an image.</summary>
    /// <param name="sample">The sample's identity.</param>
    /// <param name="view">The view's randomness, as the <see cref="BatchLoader"/> made it.</param>
    /// <exception cref="ArgumentException">The content hash is not a lowercase hex SHA-256.</exception>
    public static TeacherCacheKey Augmented(SampleKey sample, AugmentationKey view) => new(sample, view);

    /// <summary>The key string: <c>path@sha256</c> or <c>path@sha256#seed:sample:view</c>.</summary>
    public override string ToString() => View is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"{Sample}#{v.Seed}:{v.Sample}:{v.View}")
        : Sample.ToString();

    /// <summary>Reads a key string made by <see cref="ToString"/> (or a bare content address, with an empty path).</summary>
    /// <param name="text">The key string.</param>
    /// <exception cref="FormatException">The text is not a teacher cache key; the message shows the expected form.</exception>
    public static TeacherCacheKey Parse(string text) => TryParse(text, out var key) ? key : throw new FormatException(
        $"'{text}' is not a teacher cache key. Expected 'path@sha256' or 'path@sha256#seed:sample:view' with a 64-character " +
        "lowercase hex SHA-256 (TeacherCacheKey.ToString; TeacherCacheKey.ForBatch makes them for a DataBatch).");

    /// <summary>Reads a key string; false when it is not one.</summary>
    /// <param name="text">The key string.</param>
    /// <param name="key">The key, when the result is true.</param>
    public static bool TryParse(string? text, out TeacherCacheKey key)
    {
        key = default;
        if (text is null) return false;
        var m = KeyPattern().Match(text);
        if (!m.Success) return false;
        var sample = new SampleKey(m.Groups["path"].Value, m.Groups["sha"].Value);
        if (!m.Groups["seed"].Success)
        {
            key = new TeacherCacheKey(sample, null);
            return true;
        }
        var inv = CultureInfo.InvariantCulture;
        if (!long.TryParse(m.Groups["seed"].Value, NumberStyles.AllowLeadingSign, inv, out long seed)
            || !long.TryParse(m.Groups["sample"].Value, NumberStyles.AllowLeadingSign, inv, out long index)
            || !long.TryParse(m.Groups["view"].Value, NumberStyles.AllowLeadingSign, inv, out long view))
        {
            return false;
        }
        key = new TeacherCacheKey(sample, new AugmentationKey(seed, index, view));
        return true;
    }

    /// <summary>The key string of every image of a batch, to pass to <see cref="ITeacher.Encode"/>.</summary>
    /// <param name="batch">The batch, from a <see cref="BatchLoader"/>.</param>
    /// <param name="domainSizes">The dataset's <see cref="IDomainDataset.DomainSizes"/> (they give the dataset-wide sample index).</param>
    /// <param name="augmentationSeed">The loader's <see cref="BatchLoaderOptions.Seed"/> when the batch was augmented
    /// (<see cref="DomainBedAugmentation"/>), or null when its transform is deterministic (<see cref="EvaluationTransform"/>).</param>
    /// <returns>One key string per image, in batch order.</returns>
    public static IReadOnlyList<string> ForBatch(DataBatch batch, IReadOnlyList<DomainSize> domainSizes, long? augmentationSeed) =>
        KeysOf(batch, domainSizes, augmentationSeed).Select(k => k.ToString()).ToList();

    internal static TeacherCacheKey[] KeysOf(DataBatch batch, IReadOnlyList<DomainSize> domainSizes, long? augmentationSeed)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(domainSizes);
        var offsets = new long[domainSizes.Count];
        for (int d = 1; d < offsets.Length; d++) offsets[d] = offsets[d - 1] + domainSizes[d - 1].Count;
        var keys = new TeacherCacheKey[batch.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            var s = batch.Samples[i];
            if ((uint)s.Domain >= (uint)offsets.Length)
            {
                throw new ArgumentException(
                    $"Batch sample {i} comes from domain {s.Domain}, but only {offsets.Length} domain sizes were given; pass the dataset's DomainSizes.",
                    nameof(domainSizes));
            }
            keys[i] = augmentationSeed is { } seed
                ? Augmented(batch.Keys[i], new AugmentationKey(seed, offsets[s.Domain] + s.Index, s.View))
                : Unaugmented(batch.Keys[i]);
        }
        return keys;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ShaPattern();

    [GeneratedRegex(@"^(?:(?<path>.*)@)?(?<sha>[0-9a-f]{64})(?:#(?<seed>-?[0-9]+):(?<sample>-?[0-9]+):(?<view>-?[0-9]+))?$", RegexOptions.Singleline)]
    private static partial Regex KeyPattern();
}
