using System.Text.Json;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Imaging;

/// <summary>
/// shared/fixtures/preprocess: openai/CLIP's <c>_transform(n)</c> of 5 PNGs (RGB landscape/portrait/square/odd,
/// RGBA with transparent band) at n = 224 and n = 32. The PIL-resized uint8 image must be identical and the
/// normalised pixels equal.
/// </summary>
public sealed class ClipImagePreprocessorParityTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var stem in new[] { "img0_300x200", "img1_64x128", "img2_500x500", "img3_37x91", "img4_301x200_rgba" })
        {
            data.Add(stem, 224);
            data.Add(stem, 32);
        }
        return data;
    }

    private static string Png(string stem) => SharedFolder.Get("fixtures", "preprocess", stem + ".png");

    private static SafetensorsTestFile Reference(string stem, int n) =>
        new(SharedFolder.Get("fixtures", "preprocess", $"{stem}.n{n}.safetensors"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resize_FixtureImage_IsIdenticalToPilResize(string stem, int n)
    {
        var reference = Reference(stem, n);
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(Png(stem)), stem);

        var resized = ClipImagePreprocessor.Resize(decoded, n);

        reference.Shape("resized").Should().Equal(resized.Height, resized.Width, resized.Channels);
        var expected = reference.U8("resized");
        var mismatches = Enumerable.Range(0, expected.Length).Count(i => expected[i] != resized.Pixels[i]);
        mismatches.Should().Be(0, $"every uint8 of the {resized.Width}x{resized.Height} PIL resize must match");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CropOrigin_FixtureImage_MatchesManifest(string stem, int n)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(SharedFolder.Get("fixtures", "preprocess", "manifest.json")));
        var image = manifest.RootElement.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("png").GetString() == stem + ".png");
        var output = image.GetProperty("outputs").GetProperty(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (width, height) = ClipImagePreprocessor.ResizedSize(image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32(), n);
        var (top, left) = ClipImagePreprocessor.CropOrigin(width, height, n);

        (width, height).Should().Be((output.GetProperty("resized_width").GetInt32(), output.GetProperty("resized_height").GetInt32()));
        (top, left).Should().Be((output.GetProperty("crop_top").GetInt32(), output.GetProperty("crop_left").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Preprocess_FixtureImage_EqualsClipPixelValues(string stem, int n)
    {
        var expected = Reference(stem, n).F32("pixel_values");
        var preprocessor = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = n });

        using var pixels = preprocessor.Preprocess(Png(stem));

        pixels.shape.Should().Equal(3, n, n);
        pixels.dtype.Should().Be(ScalarType.Float32);
        var actual = pixels.data<float>().ToArray();
        var maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        maxDiff.Should().Be(0f, "the reference is exact when PIL's resize and the float32 normalisation order are reproduced");
    }

    [Fact]
    public void PreprocessBatch_PathsAndBytes_StackTheSingleImageResults()
    {
        var stems = new[] { "img3_37x91", "img4_301x200_rgba", "img1_64x128" };
        var preprocessor = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = 32 });

        using var fromPaths = preprocessor.PreprocessBatch(stems.Select(Png).ToArray());
        using var fromBytes = preprocessor.PreprocessBatch(stems.Select(s => File.ReadAllBytes(Png(s))).ToArray());

        fromPaths.shape.Should().Equal(3, 3, 32, 32);
        fromPaths.dtype.Should().Be(ScalarType.Float32);
        for (var i = 0; i < stems.Length; i++)
        {
            var expected = Reference(stems[i], 32).F32("pixel_values");
            fromPaths[i].data<float>().ToArray().Should().Equal(expected, $"batch row {i} is {stems[i]}");
        }
        fromBytes.equal(fromPaths).all().item<bool>().Should().BeTrue();
    }
}
