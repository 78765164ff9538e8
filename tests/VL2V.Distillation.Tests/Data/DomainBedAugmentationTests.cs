using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class DomainBedAugmentationTests
{
    private static readonly AugmentationOptions Small = new() { Size = 16 };

    private static RgbImage RandomImage(int width, int height, int seed)
    {
        var pixels = new byte[3 * width * height];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    [Fact]
    public void Apply_SameKey_GivesTheSameViewFromAnyInstance()
    {
        var image = RandomImage(40, 30, 1);
        var key = new AugmentationKey(7, 123, 4);

        var first = new DomainBedAugmentation(Small).Apply(image, key);
        var second = new DomainBedAugmentation(Small).Apply(image, key);

        second.Should().Equal(first);
    }

    [Fact]
    public void Apply_DifferentViewSampleOrSeed_GivesDifferentViews()
    {
        var image = RandomImage(40, 30, 1);
        var augmentation = new DomainBedAugmentation(Small);
        var baseline = augmentation.Apply(image, new AugmentationKey(7, 123, 4));

        foreach (var other in new[] { new AugmentationKey(7, 123, 5), new AugmentationKey(7, 124, 4), new AugmentationKey(8, 123, 4) })
            augmentation.Apply(image, other).Should().NotEqual(baseline, because: $"{other} differs from the baseline key");
    }

    [Fact]
    public void SampleParameters_CropsStayInsideTheImageWithinScaleAndRatio()
    {
        var augmentation = new DomainBedAugmentation(Small);
        for (int view = 0; view < 500; view++)
        {
            var p = augmentation.SampleParameters(50, 40, new AugmentationKey(0, 1, view));

            p.Top.Should().BeInRange(0, 40 - p.Height);
            p.Left.Should().BeInRange(0, 50 - p.Width);
            double area = (double)p.Width * p.Height / (50 * 40);
            area.Should().BeInRange(0.7 - 0.05, 1.0 + 0.05);   // w and h are rounded to whole pixels
            ((double)p.Width / p.Height).Should().BeInRange(0.75 - 0.05, 4.0 / 3 + 0.05);
        }
    }

    [Fact]
    public void SampleParameters_ImpossibleCrop_FallsBackToTorchvisionsCentreCrop()
    {
        // 100x10: any crop of ≥ 70% of the area with ratio ≤ 4/3 is taller than 10 px, so all 10 attempts fail;
        // the ratio 10 exceeds 4/3, so the fallback is h = 10, w = round(10 · 4/3) = 13, centred.
        var augmentation = new DomainBedAugmentation(Small);

        var p = augmentation.SampleParameters(100, 10, new AugmentationKey(3, 4, 5));

        (p.Top, p.Left, p.Height, p.Width).Should().Be((0, 43, 10, 13));
    }

    [Fact]
    public void SampleParameters_RandomChoicesFollowTheConfiguredRates()
    {
        var augmentation = new DomainBedAugmentation(Small);
        var draws = Enumerable.Range(0, 4000).Select(v => augmentation.SampleParameters(32, 32, new AugmentationKey(1, 2, v))).ToList();

        draws.Count(p => p.Flip).Should().BeInRange(1800, 2200);
        draws.Count(p => p.Grayscale).Should().BeInRange(320, 480);
        draws.Select(p => string.Join("", p.JitterOrder)).Distinct().Should().HaveCount(24, "every order of the four colour ops occurs");
        draws.Select(p => p.Brightness).Should().OnlyContain(b => b >= 0.7f && b <= 1.3f);
        draws.Select(p => p.Hue).Should().OnlyContain(h => h >= -0.3f && h <= 0.3f);
        draws.Min(p => p.Contrast).Should().BeLessThan(0.75f);
        draws.Max(p => p.Saturation).Should().BeGreaterThan(1.25f);
    }

    [Fact]
    public void Apply_ComposesCropFlipJitterInDrawnOrderGrayscaleAndNormalize()
    {
        var image = RandomImage(30, 20, 9);
        var augmentation = new DomainBedAugmentation(Small);
        var key = Enumerable.Range(0, 1000).Select(v => new AugmentationKey(0, 0, v))
            .First(k => augmentation.SampleParameters(30, 20, k) is { Flip: true, Grayscale: true });
        var p = augmentation.SampleParameters(30, 20, key);

        var expected = PixelOps.ResizedCrop(image, p.Top, p.Left, p.Height, p.Width, 16, 16);
        PixelOps.HorizontalFlip(expected, 16);
        foreach (var op in p.JitterOrder)
        {
            if (op == 0) PixelOps.Brightness(expected, p.Brightness);
            if (op == 1) PixelOps.Contrast(expected, p.Contrast);
            if (op == 2) PixelOps.Saturation(expected, p.Saturation);
            if (op == 3) PixelOps.Hue(expected, p.Hue);
        }
        PixelOps.Grayscale(expected);
        var normalized = new float[expected.Length];
        PixelOps.Normalize(expected, AugmentationOptions.ImageNetMean, AugmentationOptions.ImageNetStd, normalized);

        augmentation.Apply(image, key).Should().Equal(normalized);
    }

    [Fact]
    public void Apply_WrongDestinationSize_NamesTheExpectedShape()
    {
        var act = () => new DomainBedAugmentation(Small).Apply(RandomImage(8, 8, 0), default, new float[10]);

        act.Should().Throw<ArgumentException>().WithMessage("The destination holds 10 values but a [3,16,16] image needs 768.*");
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var act = () => new DomainBedAugmentation(new AugmentationOptions { Size = 0, ScaleMin = 0.9, ScaleMax = 0.5, Hue = 0.7 });

        act.Should().Throw<ArgumentException>().WithMessage(
            "The 'AugmentationOptions' are invalid:" + Environment.NewLine +
            "- Size must be ≥ 1 (was 0)." + Environment.NewLine +
            "- ScaleMin and ScaleMax must satisfy 0 < ScaleMin ≤ ScaleMax ≤ 1 (were 0.9 and 0.5)." + Environment.NewLine +
            "- Hue must be in [0, 0.5] (was 0.7).");
    }

    [Fact]
    public void EvaluationTransform_ResizesTheWholeImageAndNormalizes()
    {
        var image = RandomImage(45, 23, 4);
        using var scope = torch.NewDisposeScope();
        var x = image.ToTensor().to_type(ScalarType.Float32).div(255).unsqueeze(0);
        var resized = nn.functional.interpolate(x, [16, 16], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        var expected = ((resized - mean) / std).contiguous().data<float>().ToArray();

        var actual = new EvaluationTransform(16).Apply(image, new AugmentationKey(1, 2, 3));

        actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-5f);
        new EvaluationTransform(16).Apply(image, new AugmentationKey(9, 9, 9)).Should().Equal(actual, "evaluation ignores the key");
    }
}
