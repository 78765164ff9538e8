using SkiaSharp;

namespace VL2V.Benchmarks;

/// <summary>
/// Writes a PACS-shaped DomainBed folder (4 domains × 7 classes, 227×227 JPEGs at quality 90) of deterministic
/// photo-like images: smooth colour gradients, a few filled shapes and pixel noise, so that JPEG decoding costs about
/// what it costs on real photos (flat synthetic images would decode unrealistically fast).
/// </summary>
public static class SyntheticImageFolder
{
    /// <summary>PACS's domain folders.</summary>
    public static IReadOnlyList<string> Domains { get; } = ["art_painting", "cartoon", "photo", "sketch"];

    /// <summary>PACS's class folders.</summary>
    public static IReadOnlyList<string> Classes { get; } = ["dog", "elephant", "giraffe", "guitar", "horse", "house", "person"];

    /// <summary>PACS's image side.</summary>
    public const int Side = 227;

    /// <summary>Creates the folder unless it already holds a complete one with the same image count.</summary>
    /// <param name="root">The folder to create (its parent must be writable).</param>
    /// <param name="imagesPerClass">Images per (domain, class).</param>
    /// <returns>True when images were written, false when a complete folder was reused.</returns>
    /// <exception cref="IOException">The folder exists but is not a complete folder of this generator.</exception>
    public static bool Ensure(string root, int imagesPerClass)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerClass, 1);
        root = Path.GetFullPath(root);
        var marker = Path.Combine(root, ".vl2v-bench");
        string expected = $"{Domains.Count}x{Classes.Count}x{imagesPerClass} {Side}px jpeg90 v1";
        if (Directory.Exists(root))
        {
            if (File.Exists(marker) && File.ReadAllText(marker).Trim() == expected) return false;
            throw new IOException($"The folder '{root}' exists but is not a complete benchmark folder of {expected}; " +
                "delete it or pass another --folder.");
        }

        // Written under a temporary name and renamed at the end, so an interrupted run never leaves a folder that looks complete.
        var partial = root + ".partial-" + Environment.ProcessId;
        Directory.CreateDirectory(partial);
        int seed = 0;
        foreach (var domain in Domains)
        {
            foreach (var cls in Classes)
            {
                var dir = Path.Combine(partial, domain, cls);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < imagesPerClass; i++)
                    File.WriteAllBytes(Path.Combine(dir, $"pic_{i:D3}.jpg"), Jpeg(seed++));
            }
        }
        File.WriteAllText(Path.Combine(partial, ".vl2v-bench"), expected + "\n");
        Directory.Move(partial, root);
        return true;
    }

    private static byte[] Jpeg(int seed)
    {
        var random = new Random(seed);
        var info = new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            var c0 = RandomColor(random);
            var c1 = RandomColor(random);
            using var gradient = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Side, random.Next(Side)),
                [c0, c1], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = gradient };
            canvas.DrawRect(0, 0, Side, Side, paint);
            using var shape = new SKPaint { IsAntialias = true };
            for (int s = 0; s < 6; s++)
            {
                shape.Color = RandomColor(random).WithAlpha((byte)random.Next(80, 256));
                float x = random.Next(Side), y = random.Next(Side), r = random.Next(10, 70);
                if (s % 2 == 0) canvas.DrawOval(x, y, r, r * 0.6f, shape);
                else canvas.DrawRect(x - r, y - r / 2, 2 * r, r, shape);
            }
        }
        var pixels = bitmap.GetPixelSpan();
        var noisy = pixels.ToArray();
        for (int p = 0; p < noisy.Length; p++)
        {
            if ((p & 3) == 3) continue; // alpha
            noisy[p] = (byte)Math.Clamp(noisy[p] + random.Next(-14, 15), 0, 255);
        }
        using var withNoise = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(noisy, 0, withNoise.GetPixels(), noisy.Length);
        using var image = SKImage.FromBitmap(withNoise);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static SKColor RandomColor(Random random) =>
        new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
