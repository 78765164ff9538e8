using SkiaSharp;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary>A tiny DomainBed-layout folder: ROOT/&lt;domain&gt;/&lt;class&gt;/NN.png, 32-px PNGs with a colour per class and a pattern per image.</summary>
internal static class TinyDomainBed
{
    public static readonly string[] Domains = ["art_painting", "photo", "sketch"];
    public static readonly string[] Classes = ["dog", "guitar"];
    public const int ImagesPerClass = 3;

    public static string Create(string root)
    {
        for (int d = 0; d < Domains.Length; d++)
        {
            for (int c = 0; c < Classes.Length; c++)
            {
                string folder = Path.Combine(root, Domains[d], Classes[c]);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < ImagesPerClass; i++)
                {
                    using var bitmap = new SKBitmap(32, 32, SKColorType.Rgba8888, SKAlphaType.Premul);
                    for (int y = 0; y < 32; y++)
                    {
                        for (int x = 0; x < 32; x++)
                        {
                            byte r = (byte)(c == 0 ? 200 : 40 + 3 * x), g = (byte)(50 * d + 5 * y + 7 * i), b = (byte)(c == 1 ? 220 : x * y % 251);
                            bitmap.SetPixel(x, y, new SKColor(r, g, b));
                        }
                    }
                    using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                    File.WriteAllBytes(Path.Combine(folder, $"{i:D2}.png"), data.ToArray());
                }
            }
        }
        return root;
    }

    /// <summary>Images in a domain's in part (DomainBed holds out floor(0.2 · n)).</summary>
    public static int InPart => Classes.Length * ImagesPerClass - (int)Math.Floor(0.2 * Classes.Length * ImagesPerClass);
}
