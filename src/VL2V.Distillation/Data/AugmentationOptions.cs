namespace VL2V.Distillation.Data;

/// <summary>
/// DomainBed's training augmentation (VL2V <c>datasets/transforms.py</c>): RandomResizedCrop(224, scale 0.7–1,
/// ratio 3/4–4/3), RandomHorizontalFlip(0.5), ColorJitter(0.3, 0.3, 0.3, 0.3), RandomGrayscale(0.1), ImageNet normalisation.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>ImageNet's per-channel mean (RGB).</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet's per-channel standard deviation (RGB).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];

    /// <summary>The output side S in pixels.</summary>
    /// <value>The default is 224.</value>
    public int Size { get; init; } = 224;

    /// <summary>The smallest crop area as a fraction of the image area.</summary>
    /// <value>The default is 0.7.</value>
    public double ScaleMin { get; init; } = 0.7;

    /// <summary>The largest crop area as a fraction of the image area.</summary>
    /// <value>The default is 1.0.</value>
    public double ScaleMax { get; init; } = 1.0;

    /// <summary>The smallest crop aspect ratio (width / height).</summary>
    /// <value>The default is 3/4.</value>
    public double RatioMin { get; init; } = 3.0 / 4.0;

    /// <summary>The largest crop aspect ratio (width / height).</summary>
    /// <value>The default is 4/3.</value>
    public double RatioMax { get; init; } = 4.0 / 3.0;

    /// <summary>The probability of a horizontal flip.</summary>
    /// <value>The default is 0.5.</value>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Brightness jitter: a factor drawn from [max(0, 1 − b), 1 + b].</summary>
    /// <value>The default is 0.3.</value>
    public double Brightness { get; init; } = 0.3;

    /// <summary>Contrast jitter: a factor drawn from [max(0, 1 − c), 1 + c].</summary>
    /// <value>The default is 0.3.</value>
    public double Contrast { get; init; } = 0.3;

    /// <summary>Saturation jitter: a factor drawn from [max(0, 1 − s), 1 + s].</summary>
    /// <value>The default is 0.3.</value>
    public double Saturation { get; init; } = 0.3;

    /// <summary>Hue jitter: a shift drawn from [−h, h], in [0, 0.5].</summary>
    /// <value>The default is 0.3.</value>
    public double Hue { get; init; } = 0.3;

    /// <summary>The probability of converting to grayscale (three equal channels).</summary>
    /// <value>The default is 0.1.</value>
    public double GrayscaleProbability { get; init; } = 0.1;

    /// <summary>The per-channel mean subtracted after the colour ops.</summary>
    /// <value>The default is <see cref="ImageNetMean"/>.</value>
    public IReadOnlyList<float> Mean { get; init; } = ImageNetMean;

    /// <summary>The per-channel standard deviation divided by after subtracting the mean.</summary>
    /// <value>The default is <see cref="ImageNetStd"/>.</value>
    public IReadOnlyList<float> Std { get; init; } = ImageNetStd;

    internal void Validate()
    {
        var problems = new ProblemList();
        if (Size < 1) problems.Add($"Size must be ≥ 1 (was {Size}).");
        if (!(ScaleMin > 0 && ScaleMin <= ScaleMax && ScaleMax <= 1))
            problems.Add($"ScaleMin and ScaleMax must satisfy 0 < ScaleMin ≤ ScaleMax ≤ 1 (were {ScaleMin} and {ScaleMax}).");
        if (!(RatioMin > 0 && RatioMin <= RatioMax))
            problems.Add($"RatioMin and RatioMax must satisfy 0 < RatioMin ≤ RatioMax (were {RatioMin} and {RatioMax}).");
        foreach (var (name, p) in new[] { (nameof(FlipProbability), FlipProbability), (nameof(GrayscaleProbability), GrayscaleProbability) })
        {
            if (!(p >= 0 && p <= 1)) problems.Add($"{name} must be in [0, 1] (was {p}).");
        }
        foreach (var (name, j) in new[] { (nameof(Brightness), Brightness), (nameof(Contrast), Contrast), (nameof(Saturation), Saturation) })
        {
            if (!(j >= 0)) problems.Add($"{name} must be ≥ 0 (was {j}).");
        }
        if (!(Hue >= 0 && Hue <= 0.5)) problems.Add($"Hue must be in [0, 0.5] (was {Hue}).");
        if (Mean is not { Count: 3 }) problems.Add($"Mean must have 3 values, one per RGB channel (had {Mean?.Count ?? 0}).");
        if (Std is not { Count: 3 } || Std.Any(s => !(s > 0))) problems.Add($"Std must have 3 positive values, one per RGB channel.");
        if (problems.Items.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(AugmentationOptions)}' are invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Items.Select(p => "- " + p)));
        }
    }

    // Formats every number with the invariant culture, so messages read the same on every machine.
    private sealed class ProblemList
    {
        public List<string> Items { get; } = [];

        public void Add(FormattableString problem) => Items.Add(FormattableString.Invariant(problem));
    }
}
