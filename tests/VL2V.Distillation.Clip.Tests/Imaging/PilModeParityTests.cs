using System.Text.Json;
using VL2V.Distillation.Clip.Imaging;

namespace VL2V.Distillation.Clip.Tests.Imaging;

/// <summary>
/// Fixtures/preprocess-modes (made by make_preprocess_modes.py with Pillow 9.4.0): the PIL modes the shared
/// fixtures lack — gray, gray+alpha, palette PNG and GIF (PIL resizes those NEAREST), 1-bit, RGB with tRNS (stays
/// RGB in PIL), RGB and gray JPEG — each downscaled (n = 16) and upscaled (n = 50). Decoded pixels, the resized image
/// and the RGB crop must equal Pillow's exactly.
/// </summary>
public sealed class PilModeParityTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "preprocess-modes");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var image in Expected().GetProperty("images").EnumerateArray()) data.Add(image.GetProperty("file").GetString()!);
        return data;
    }

    private static JsonElement Expected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "expected.json")));
        return doc.RootElement.Clone();
    }

    private static JsonElement Entry(string file) =>
        Expected().GetProperty("images").EnumerateArray().Single(i => i.GetProperty("file").GetString() == file);

    [Theory]
    [MemberData(nameof(Files))]
    public void Decode_ModeFixture_MatchesPilOpenConvertRgb(string file)
    {
        var entry = Entry(file);
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Folder, file)), file);

        (image.Width, image.Height).Should().Be((entry.GetProperty("width").GetInt32(), entry.GetProperty("height").GetInt32()));
        var expectedMode = entry.GetProperty("mode").GetString() switch
        {
            "L" => PilMode.L, "LA" => PilMode.LA, "RGB" => PilMode.Rgb, "RGBA" => PilMode.Rgba, "P" => PilMode.Palette, "1" => PilMode.Bilevel,
            var m => throw new InvalidOperationException(m),
        };
        image.Mode.Should().Be(expectedMode);
        ClipImagePreprocessor.ToRgb(image).Should().Equal(Convert.FromBase64String(entry.GetProperty("decoded_rgb").GetString()!));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ResizeAndCrop_ModeFixture_MatchPilAtBothSizes(string file)
    {
        var entry = Entry(file);
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Folder, file)), file);
        foreach (var size in entry.GetProperty("sizes").EnumerateArray())
        {
            var n = size.GetProperty("n").GetInt32();
            var resized = ClipImagePreprocessor.Resize(image, n);

            (resized.Width, resized.Height).Should().Be((size.GetProperty("resized_width").GetInt32(), size.GetProperty("resized_height").GetInt32()));
            var expectedResized = Convert.FromBase64String(size.GetProperty("resized_rgb").GetString()!);
            var actualResized = ClipImagePreprocessor.ToRgb(resized);
            Enumerable.Range(0, expectedResized.Length).Count(i => expectedResized[i] != actualResized[i])
                .Should().Be(0, $"{file} at n={n}: every resized uint8 must match PIL");
            ClipImagePreprocessor.ToRgb(ClipImagePreprocessor.ResizeAndCrop(image, n)).Should().Equal(Convert.FromBase64String(size.GetProperty("cropped_rgb").GetString()!),
                $"{file} at n={n}: the crop origin is ({size.GetProperty("crop_top")}, {size.GetProperty("crop_left")})");
        }
    }
}
