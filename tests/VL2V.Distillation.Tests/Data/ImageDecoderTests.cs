using SkiaSharp;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class ImageDecoderTests
{
    [Fact]
    public void Decode_Png_ReturnsExactPlanarRgb()
    {
        var rgba = TempImageFolder.PatternRgba(7, 5, seed: 3);
        var png = TempImageFolder.Encode(TempImageFolder.Bitmap(rgba, 7, 5), SKEncodedImageFormat.Png);

        var image = ImageDecoder.Decode(png, "pattern.png");

        image.Width.Should().Be(7);
        image.Height.Should().Be(5);
        image.Pixels.Should().Equal(TempImageFolder.Planar(rgba));
    }

    [Fact]
    public void Decode_RgbaPng_DropsAlphaWithoutBlending()
    {
        var rgba = TempImageFolder.PatternRgba(6, 4, seed: 1, alpha: 100);
        var png = TempImageFolder.Encode(TempImageFolder.Bitmap(rgba, 6, 4), SKEncodedImageFormat.Png);

        ImageDecoder.Decode(png, "rgba.png").Pixels.Should().Equal(TempImageFolder.Planar(rgba));
    }

    [Fact]
    public void Decode_GrayPng_RepeatsTheGrayLevelInThreeChannels()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(5, 3, SKColorType.Gray8, SKAlphaType.Opaque));
        var levels = Enumerable.Range(0, 15).Select(i => (byte)(i * 17)).ToArray();
        System.Runtime.InteropServices.Marshal.Copy(levels, 0, bitmap.GetPixels(), levels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        var image = ImageDecoder.Decode(data.ToArray(), "gray.png");

        image.Pixels.Should().Equal([.. levels, .. levels, .. levels]);
    }

    [Fact]
    public void Decode_Jpeg_IsCloseToTheSourcePixels()
    {
        // A smooth image survives JPEG (q95) within a few levels; the decoder must not swap or drop channels.
        var rgba = new byte[4 * 16 * 16];
        for (int p = 0; p < 256; p++)
        {
            rgba[4 * p] = (byte)(p % 16 * 8);
            rgba[4 * p + 1] = (byte)(p / 16 * 8);
            rgba[4 * p + 2] = 200;
            rgba[4 * p + 3] = 255;
        }
        var jpeg = TempImageFolder.Encode(TempImageFolder.Bitmap(rgba, 16, 16), SKEncodedImageFormat.Jpeg);

        var image = ImageDecoder.Decode(jpeg, "smooth.jpg");

        var expected = TempImageFolder.Planar(rgba);
        image.Pixels.Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThanOrEqualTo(8);
    }

    // DomainBed reads images with PIL's Image.open(f).convert("RGB"); Fixtures/data/decode.json holds Pillow 9.4's
    // pixels of the files next to it (make_decode_fixture.py).
    [Theory]
    [InlineData("decode_rgb.jpg")]
    [InlineData("decode_gray.jpg")]
    [InlineData("decode_palette.png")]
    [InlineData("decode_rgba.png")]
    public void Decode_MatchesPillowConvertRgb(string file)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "data");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "decode.json")));
        var reference = json.RootElement.GetProperty("images").GetProperty(file);
        var expected = Convert.FromBase64String(reference.GetProperty("planar_base64").GetString()!);

        var image = ImageDecoder.Decode(Path.Combine(folder, file));

        (image.Width, image.Height).Should().Be((reference.GetProperty("width").GetInt32(), reference.GetProperty("height").GetInt32()));
        image.Pixels.Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().Be(0);
    }

    [Fact]
    public void Decode_Garbage_NamesTheFileAndTheReason()
    {
        var act = () => ImageDecoder.Decode("this is not an image"u8.ToArray(), "art/dog/broken.png");

        act.Should().Throw<InvalidDataException>()
            .WithMessage("Image 'art/dog/broken.png' cannot be decoded: the data is not a PNG or JPEG image, or its header is damaged (*). Replace or delete the file.");
    }

    [Fact]
    public void Decode_TruncatedPng_ReportsTruncation()
    {
        var png = TempImageFolder.Encode(TempImageFolder.Pattern(40, 40, 2), SKEncodedImageFormat.Png);

        var act = () => ImageDecoder.Decode(png[..(png.Length / 2)], "half.png");

        act.Should().Throw<InvalidDataException>().WithMessage("Image 'half.png' cannot be decoded: the data is truncated*");
    }

    [Fact]
    public void Decode_EmptyFile_SaysItIsEmpty()
    {
        var act = () => ImageDecoder.Decode([], "empty.jpg");

        act.Should().Throw<InvalidDataException>().WithMessage("Image 'empty.jpg' cannot be decoded: the file is empty. Replace or delete the file.");
    }

    [Fact]
    public void ToTensor_HasShapeThreeByHeightByWidthUint8()
    {
        var image = new RgbImage(4, 2, Enumerable.Range(0, 24).Select(i => (byte)i).ToArray());

        using var tensor = image.ToTensor();

        tensor.shape.Should().Equal(3, 2, 4);
        tensor.dtype.Should().Be(ScalarType.Byte);
        tensor[1, 1, 2].item<byte>().Should().Be(8 + 4 + 2);
    }
}
