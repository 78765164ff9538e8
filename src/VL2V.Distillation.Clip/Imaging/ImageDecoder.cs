using SkiaSharp;

namespace VL2V.Distillation.Clip.Imaging;

/// <summary>
/// Decodes PNG/JPEG (and whatever else Skia reads) into the pixels and the PIL mode that <c>PIL.Image.open</c>
/// would give: raw stored values, no colour management, no EXIF rotation (PIL applies neither), alpha not
/// premultiplied. PNG modes come from the IHDR colour type (so an RGB PNG with a tRNS chunk stays RGB, as in PIL),
/// JPEG is L when Skia reports a gray image and RGB otherwise.
/// </summary>
internal static class ImageDecoder
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes an encoded image.</summary>
    /// <param name="encoded">The file bytes.</param>
    /// <param name="name">The file name or description, used in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a readable image.</exception>
    public static PilImage Decode(byte[] encoded, string name)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length == 0) throw Corrupt(name, "the data is empty");

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw Corrupt(name, "the format is not recognised (expected PNG or JPEG)");
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0) throw Corrupt(name, $"the decoder reports a size of {width}x{height}");

        var rgba = new byte[checked(width * height * 4)];
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = codec.GetPixels(info, rgba);
        if (result != SKCodecResult.Success)
        {
            throw Corrupt(name, result == SKCodecResult.IncompleteInput
                ? "the data ends before the image does (truncated file)"
                : $"the {codec.EncodedFormat} decoder failed with '{result}'");
        }

        var mode = ModeOf(encoded, codec);
        var channels = PilImage.ChannelsOf(mode);
        if (channels == 4) return new PilImage(width, height, mode, rgba);

        var pixels = new byte[width * height * channels];
        for (int p = 0, q = 0; p < rgba.Length; p += 4, q += channels)
        {
            switch (mode)
            {
                case PilMode.L or PilMode.Bilevel:
                    pixels[q] = rgba[p];
                    break;
                case PilMode.LA:
                    pixels[q] = rgba[p];
                    pixels[q + 1] = rgba[p + 3];
                    break;
                default:
                    pixels[q] = rgba[p];
                    pixels[q + 1] = rgba[p + 1];
                    pixels[q + 2] = rgba[p + 2];
                    break;
            }
        }
        return new PilImage(width, height, mode, pixels);
    }

    private static PilMode ModeOf(byte[] encoded, SKCodec codec)
    {
        if (encoded.Length >= 26 && encoded.AsSpan(0, 8).SequenceEqual(PngSignature))
        {
            var bitDepth = encoded[24];
            return encoded[25] switch                                      // IHDR colour type
            {
                0 => bitDepth == 1 ? PilMode.Bilevel : PilMode.L,
                2 => PilMode.Rgb,
                3 => PilMode.Palette,
                4 => PilMode.LA,
                6 => PilMode.Rgba,
                _ => codec.Info.AlphaType == SKAlphaType.Opaque ? PilMode.Rgb : PilMode.Rgba,
            };
        }
        if (codec.EncodedFormat == SKEncodedImageFormat.Gif) return PilMode.Palette;    // PIL opens GIF frames as "P"
        if (codec.Info.ColorType == SKColorType.Gray8) return PilMode.L;
        return codec.Info.AlphaType == SKAlphaType.Opaque ? PilMode.Rgb : PilMode.Rgba;
    }

    private static InvalidDataException Corrupt(string name, string reason) =>
        new($"The image '{name}' cannot be decoded: {reason}.");
}
