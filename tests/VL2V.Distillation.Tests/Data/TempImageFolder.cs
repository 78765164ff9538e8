using SkiaSharp;

namespace VL2V.Distillation.Tests.Data;

/// <summary>A DomainBed-layout folder of small generated PNG/JPEG images in a temporary directory, deleted on dispose.</summary>
internal sealed class TempImageFolder : IDisposable
{
    public TempImageFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "vl2v-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes an image whose pixels are a deterministic pattern of <paramref name="seed"/>; returns its full path.</summary>
    public string Add(string relativePath, int width = 12, int height = 10, int seed = 0, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encode(Pattern(width, height, seed), format));
        return path;
    }

    /// <summary>Writes raw bytes (e.g. a corrupt image); returns the full path.</summary>
    public string AddBytes(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void AddFolder(string relativePath) => Directory.CreateDirectory(Path.Combine(Root, relativePath));

    /// <summary>An RGBA bitmap with a pattern that differs per pixel, channel and seed.</summary>
    public static SKBitmap Pattern(int width, int height, int seed, byte alpha = 255) =>
        Bitmap(PatternRgba(width, height, seed, alpha), width, height);

    /// <summary>Interleaved RGBA bytes of the pattern.</summary>
    public static byte[] PatternRgba(int width, int height, int seed, byte alpha = 255)
    {
        var rgba = new byte[4 * width * height];
        for (int y = 0, q = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++, q += 4)
            {
                rgba[q] = (byte)(x * 20 + seed * 37);
                rgba[q + 1] = (byte)(y * 23 + seed * 11);
                rgba[q + 2] = (byte)((x * y + seed * 53) * 7);
                rgba[q + 3] = alpha;
            }
        }
        return rgba;
    }

    /// <summary>The planar [3,H,W] RGB bytes of interleaved RGBA bytes (alpha dropped).</summary>
    public static byte[] Planar(byte[] rgba)
    {
        int n = rgba.Length / 4;
        var planar = new byte[3 * n];
        for (int p = 0; p < n; p++)
        {
            planar[p] = rgba[4 * p];
            planar[n + p] = rgba[4 * p + 1];
            planar[2 * n + p] = rgba[4 * p + 2];
        }
        return planar;
    }

    public static SKBitmap Bitmap(byte[] rgba, int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
        using (var data = image.Encode(format, 95))
        {
            return data.ToArray();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
