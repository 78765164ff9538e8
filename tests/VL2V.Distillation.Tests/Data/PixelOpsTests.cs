using VL2V.Distillation.Data;
using TF = TorchSharp.torchvision.transforms.functional;

namespace VL2V.Distillation.Tests.Data;

/// <summary>The C# pixel ops against libtorch's interpolate and TorchVision's functional ops on the same pixels.</summary>
public sealed class PixelOpsTests
{
    private static RgbImage RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[3 * width * height];
        random.NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    private static float[] RandomUnitImage(int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 3 * size * size).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static float MaxDiff(float[] actual, Tensor expected) =>
        actual.Zip(expected.contiguous().data<float>().ToArray(), (a, b) => Math.Abs(a - b)).Max();

    [Theory]
    [InlineData(37, 29, 0, 0, 29, 37, 16, 16)]   // shrink the whole image, aspect ratio not kept
    [InlineData(40, 30, 5, 7, 20, 24, 48, 40)]   // enlarge a crop
    [InlineData(50, 50, 3, 1, 41, 33, 7, 9)]     // strong shrink of a crop
    public void ResizedCrop_EqualsBilinearAntialiasInterpolate(int width, int height, int top, int left, int cropH, int cropW, int outH, int outW)
    {
        var image = RandomImage(width, height, seed: width + top);
        using var scope = torch.NewDisposeScope();
        var crop = image.ToTensor().to_type(ScalarType.Float32).div(255)[.., top..(top + cropH), left..(left + cropW)].unsqueeze(0);
        var expected = nn.functional.interpolate(crop, [outH, outW], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);

        var actual = PixelOps.ResizedCrop(image, top, left, cropH, cropW, outH, outW);

        MaxDiff(actual, expected).Should().BeLessThan(2e-6f);
    }

    [Theory]
    [InlineData("brightness", 0.7)]
    [InlineData("brightness", 1.3)]
    [InlineData("contrast", 0.75)]
    [InlineData("contrast", 1.25)]
    [InlineData("saturation", 0.8)]
    [InlineData("saturation", 1.3)]
    public void ColorOps_EqualTorchVisionFunctional(string op, double factor)
    {
        var pixels = RandomUnitImage(9, seed: 5);
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(pixels, [3, 9, 9]);
        var expected = op switch
        {
            "brightness" => TF.adjust_brightness(input, factor),
            "contrast" => TF.adjust_contrast(input, factor),
            _ => TF.adjust_saturation(input, factor),
        };

        switch (op)
        {
            case "brightness": PixelOps.Brightness(pixels, (float)factor); break;
            case "contrast": PixelOps.Contrast(pixels, (float)factor); break;
            default: PixelOps.Saturation(pixels, (float)factor); break;
        }

        MaxDiff(pixels, expected).Should().BeLessThan(2e-5f);
    }

    // TorchVision 0.107's adjust_hue does not match torchvision's (max error ~0.9 on random pixels), so the reference
    // is Fixtures/data/hue.json, written by make_hue_fixture.py with torchvision's definition in plain torch ops.
    [Theory]
    [InlineData("0.27", 0.27)]
    [InlineData("-0.12", -0.12)]
    [InlineData("0.5", 0.5)]
    public void Hue_EqualsTorchvisionDefinition(string name, double factor)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "data", "hue.json")));
        var pixels = json.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var expected = json.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetSingle()).ToArray();

        PixelOps.Hue(pixels, (float)factor);

        pixels.Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(2e-6f);
    }

    [Fact]
    public void Grayscale_EqualsTorchVisionRgbToGrayscaleWithThreeChannels()
    {
        var pixels = RandomUnitImage(6, seed: 8);
        using var scope = torch.NewDisposeScope();
        var expected = TF.rgb_to_grayscale(torch.tensor(pixels, [3, 6, 6]), 3);

        PixelOps.Grayscale(pixels);

        MaxDiff(pixels, expected).Should().BeLessThan(1e-6f);
    }

    [Fact]
    public void HorizontalFlip_ReversesEveryRow()
    {
        var pixels = RandomUnitImage(5, seed: 2);
        using var scope = torch.NewDisposeScope();
        var expected = torch.tensor(pixels, [3, 5, 5]).flip(-1);

        PixelOps.HorizontalFlip(pixels, 5);

        MaxDiff(pixels, expected).Should().Be(0);
    }

    [Fact]
    public void Normalize_SubtractsMeanAndDividesByStdPerChannel()
    {
        var pixels = RandomUnitImage(4, seed: 3);
        var destination = new float[pixels.Length];
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).view(3, 1, 1);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).view(3, 1, 1);
        var expected = (torch.tensor(pixels, [3, 4, 4]) - mean) / std;

        PixelOps.Normalize(pixels, AugmentationOptions.ImageNetMean, AugmentationOptions.ImageNetStd, destination);

        MaxDiff(destination, expected).Should().BeLessThan(1e-6f);
    }
}
