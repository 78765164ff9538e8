using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Data;

/// <summary>
/// DomainBed's training augmentation, applied to one image at a time: RandomResizedCrop (torchvision's 10 attempts
/// and centre-crop fallback, antialiased bilinear resize), RandomHorizontalFlip, ColorJitter (the four ops in a
/// random order), RandomGrayscale, then normalisation. Every random choice is drawn from the
/// <see cref="AugmentationKey"/> with a counter-based generator, so a view is a pure function of (image, key).
/// </summary>
/// <remarks>
/// The colour ops follow torchvision's tensor definitions on floats in [0, 1]; DomainBed runs them on PIL images,
/// which rounds to 8 bits between ops, so pixel values differ from DomainBed's by up to a few 1/255 steps.
/// </remarks>
public sealed class DomainBedAugmentation : ImageTransform
{
    private readonly AugmentationOptions _options;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="options">The augmentation settings, or null for DomainBed's defaults at 224 px.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public DomainBedAugmentation(AugmentationOptions? options = null) : base(Validated(options).Size)
    {
        _options = options ?? new AugmentationOptions();
    }

    /// <summary>The augmentation settings.</summary>
    public AugmentationOptions Options => _options;

    /// <inheritdoc />
    protected override void Transform(RgbImage image, AugmentationKey key, Span<float> destination)
    {
        var p = SampleParameters(image.Width, image.Height, key);
        var pixels = PixelOps.ResizedCrop(image, p.Top, p.Left, p.Height, p.Width, Size, Size);
        if (p.Flip) PixelOps.HorizontalFlip(pixels, Size);
        foreach (int op in p.JitterOrder)
        {
            switch (op)
            {
                case 0 when _options.Brightness > 0: PixelOps.Brightness(pixels, p.Brightness); break;
                case 1 when _options.Contrast > 0: PixelOps.Contrast(pixels, p.Contrast); break;
                case 2 when _options.Saturation > 0: PixelOps.Saturation(pixels, p.Saturation); break;
                case 3 when _options.Hue > 0: PixelOps.Hue(pixels, p.Hue); break;
            }
        }
        if (p.Grayscale) PixelOps.Grayscale(pixels);
        PixelOps.Normalize(pixels, _options.Mean, _options.Std, destination);
    }

    /// <summary>Draws the random choices of a view in torchvision's order: crop, flip, jitter order and factors, grayscale.</summary>
    internal AugmentationParameters SampleParameters(int width, int height, AugmentationKey key)
    {
        var rng = new CounterRng(key.Seed, key.Sample, key.View);
        var (top, left, h, w) = SampleCrop(ref rng, width, height);
        bool flip = rng.NextDouble() < _options.FlipProbability;

        var order = new[] { 0, 1, 2, 3 };
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        float brightness = (float)rng.Uniform(Math.Max(0, 1 - _options.Brightness), 1 + _options.Brightness);
        float contrast = (float)rng.Uniform(Math.Max(0, 1 - _options.Contrast), 1 + _options.Contrast);
        float saturation = (float)rng.Uniform(Math.Max(0, 1 - _options.Saturation), 1 + _options.Saturation);
        float hue = (float)rng.Uniform(-_options.Hue, _options.Hue);
        bool gray = rng.NextDouble() < _options.GrayscaleProbability;
        return new AugmentationParameters(top, left, h, w, flip, order, brightness, contrast, saturation, hue, gray);
    }

    // torchvision RandomResizedCrop.get_params: 10 attempts, then a centre crop clamped to the ratio range.
    private (int Top, int Left, int Height, int Width) SampleCrop(ref CounterRng rng, int width, int height)
    {
        double area = (double)width * height;
        double logMin = Math.Log(_options.RatioMin), logMax = Math.Log(_options.RatioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * rng.Uniform(_options.ScaleMin, _options.ScaleMax);
            double ratio = Math.Exp(rng.Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(targetArea * ratio), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / ratio), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = rng.NextInt(height - h + 1);
                int left = rng.NextInt(width - w + 1);
                return (top, left, h, w);
            }
        }

        double inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < _options.RatioMin)
        {
            cw = width;
            ch = (int)Math.Round(cw / _options.RatioMin, MidpointRounding.ToEven);
        }
        else if (inRatio > _options.RatioMax)
        {
            ch = height;
            cw = (int)Math.Round(ch * _options.RatioMax, MidpointRounding.ToEven);
        }
        else
        {
            cw = width;
            ch = height;
        }
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    private static AugmentationOptions Validated(AugmentationOptions? options)
    {
        options ??= new AugmentationOptions();
        options.Validate();
        return options;
    }
}
