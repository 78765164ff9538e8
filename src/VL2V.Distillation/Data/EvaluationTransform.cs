namespace VL2V.Distillation.Data;

/// <summary>
/// DomainBed's evaluation transform: resize the whole image to S×S (antialiased bilinear, aspect ratio not kept),
/// then normalise. Deterministic: the <see cref="AugmentationKey"/> is ignored.
/// </summary>
public sealed class EvaluationTransform : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="size">The output side S (DomainBed: 224).</param>
    /// <param name="mean">The per-channel mean, or null for <see cref="AugmentationOptions.ImageNetMean"/>.</param>
    /// <param name="std">The per-channel standard deviation, or null for <see cref="AugmentationOptions.ImageNetStd"/>.</param>
    /// <exception cref="ArgumentException">The size, mean or std is invalid.</exception>
    public EvaluationTransform(int size = 224, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null) : base(size)
    {
        Mean = mean ?? AugmentationOptions.ImageNetMean;
        Std = std ?? AugmentationOptions.ImageNetStd;
        if (Mean.Count != 3)
            throw new ArgumentException($"The mean must have 3 values, one per RGB channel, but had {Mean.Count}.", nameof(mean));
        if (Std.Count != 3 || Std.Any(s => !(s > 0)))
            throw new ArgumentException("The std must have 3 positive values, one per RGB channel.", nameof(std));
    }

    /// <summary>The per-channel mean subtracted.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The per-channel standard deviation divided by.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <inheritdoc />
    protected override void Transform(RgbImage image, AugmentationKey key, Span<float> destination)
    {
        var pixels = PixelOps.ResizedCrop(image, 0, 0, image.Height, image.Width, Size, Size);
        PixelOps.Normalize(pixels, Mean, Std, destination);
    }
}
