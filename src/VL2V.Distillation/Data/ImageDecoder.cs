using System.Runtime.InteropServices;
using SkiaSharp;

namespace VL2V.Distillation.Data;

/// <summary>
/// Decodes PNG and JPEG files with SkiaSharp into <see cref="RgbImage"/>s: gray images become three equal channels,
/// alpha is dropped without blending (like PIL's <c>convert("RGB")</c>), no colour-profile conversion is applied.
/// Thread-safe.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an encoded image.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="source">The file name or path used in error messages.</param>
    /// <returns>The decoded image, uint8 <c>[3,H,W]</c>.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a complete, decodable image; the message names
    /// <paramref name="source"/> and the decoder's reason.</exception>
    public static RgbImage Decode(byte[] encoded, string source)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using var codec = OpenCodec(encoded, source);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException(
                $"Image '{source}' cannot be decoded: {Describe(result)} ({result}). Replace or delete the file.");
        }

        int plane = info.Width * info.Height;
        var planar = new byte[3 * plane];
        for (int p = 0, q = 0; p < plane; p++, q += 4)
        {
            planar[p] = rgba[q];
            planar[plane + p] = rgba[q + 1];
            planar[2 * plane + p] = rgba[q + 2];
        }
        return new RgbImage(info.Width, info.Height, planar);
    }

    /// <summary>Reads and decodes an image file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The decoded image, uint8 <c>[3,H,W]</c>.</returns>
    /// <exception cref="InvalidDataException">The file cannot be read or decoded; the message names it and the reason.</exception>
    public static RgbImage Decode(string path) => Decode(ReadFile(path), path);

    /// <summary>Checks that the bytes start with a PNG or JPEG header that the decoder accepts, without decoding pixels.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="source">The file name or path used in error messages.</param>
    /// <exception cref="InvalidDataException">The header is not readable; the message names the file and the reason.</exception>
    public static void CheckHeader(byte[] encoded, string source)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using var codec = OpenCodec(encoded, source);
    }

    internal static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Image '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static SKCodec OpenCodec(byte[] encoded, string source)
    {
        if (encoded.Length == 0)
            throw new InvalidDataException($"Image '{source}' cannot be decoded: the file is empty. Replace or delete the file.");
        // The codec owns the stream wrapper and releases it with itself.
        var codec = SKCodec.Create(new MemoryStream(encoded, writable: false), out var result);
        if (codec is null || result != SKCodecResult.Success)
        {
            codec?.Dispose();
            // Creation fails on the header: unknown formats often read as IncompleteInput (too few bytes to sniff).
            throw new InvalidDataException(
                $"Image '{source}' cannot be decoded: the data is not a PNG or JPEG image, or its header is damaged ({result}). Replace or delete the file.");
        }
        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg))
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            throw new InvalidDataException(
                $"Image '{source}' is a {format} file, but only PNG and JPEG are supported. Convert it or delete it.");
        }
        return codec;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the data is truncated",
        SKCodecResult.ErrorInInput => "the data is corrupt",
        SKCodecResult.InvalidInput => "the data is not a recognised image format",
        SKCodecResult.Unimplemented => "the image uses a feature the decoder does not support",
        SKCodecResult.InvalidConversion => "the pixels cannot be converted to 8-bit RGB",
        SKCodecResult.InvalidScale => "the requested size is invalid",
        SKCodecResult.InvalidParameters => "the decoder parameters are invalid",
        SKCodecResult.CouldNotRewind => "the data could not be rewound",
        SKCodecResult.InternalError => "the decoder failed internally",
        _ => "the decoder reported an error",
    };
}
