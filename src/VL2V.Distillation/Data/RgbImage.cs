using System.Security.Cryptography;

namespace VL2V.Distillation.Data;

/// <summary>
/// A decoded 8-bit RGB image stored planar (channel-major), the layout of a uint8 <c>[3,H,W]</c> tensor.
/// Instances are immutable by convention (the pixel array is not copied) and may be shared across threads.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Wraps planar RGB pixels.</summary>
    /// <param name="width">The width W in pixels (at least 1).</param>
    /// <param name="height">The height H in pixels (at least 1).</param>
    /// <param name="pixels">The pixels as <c>[3,H,W]</c> bytes: all red values row by row, then green, then blue.</param>
    /// <exception cref="ArgumentException">The sizes are not positive or the array does not hold <c>3·H·W</c> bytes.</exception>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != 3L * width * height)
        {
            throw new ArgumentException(
                $"An RGB image of {width}x{height} needs 3·{height}·{width} = {3L * width * height} bytes, but {pixels.Length} were given.",
                nameof(pixels));
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>The width W in pixels.</summary>
    public int Width { get; }

    /// <summary>The height H in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels as planar <c>[3,H,W]</c> bytes (R plane, G plane, B plane). Do not modify.</summary>
    public byte[] Pixels { get; }

    /// <summary>Copies the image into a new tensor.</summary>
    /// <returns>images <c>[3,H,W]</c> uint8.</returns>
    public Tensor ToTensor() => torch.tensor(Pixels, [3, Height, Width], ScalarType.Byte);

    /// <summary>The SHA-256 of the image's shape and pixels, as lowercase hex: the same image always gives the same hash.</summary>
    public string ContentHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> shape = stackalloc byte[8];
        BitConverter.TryWriteBytes(shape[..4], Height);
        BitConverter.TryWriteBytes(shape[4..], Width);
        sha.AppendData(shape);
        sha.AppendData(Pixels);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
