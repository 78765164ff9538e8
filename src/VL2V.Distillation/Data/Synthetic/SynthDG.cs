using SkiaSharp;

namespace VL2V.Distillation.Data.Synthetic;

/// <summary>
/// SynthDG: a procedural multi-domain image benchmark that the library makes itself, so that domain generalisation
/// can be demonstrated with no download. Ten object classes (star, heart, house, tree, car, fish, cup, moon, arrow,
/// flower) drawn in seven visual domains (<see cref="SynthDomain"/>) with random pose, scale, colour and clutter, each
/// image with a caption such as <c>a sketch of a star</c> or <c>a cartoon of a red fish</c>.
/// </summary>
/// <remarks>
/// <para>Every image is a pure function of (seed, domain, index, image size): no global state, thread-safe, the same on
/// every machine (plain integer and double arithmetic, no native drawing library). Sample <c>i</c> of a domain has
/// class <c>i mod 10</c>; its pose, scale, colour and clutter are drawn from a random stream keyed by
/// (seed, domain, index), so the domains share no images.</para>
/// <para>Not a dataset from the paper; a stand-in for PACS (see docs/synthdg.md).</para>
/// </remarks>
public static class SynthDG
{
    /// <summary>The smallest supported image side.</summary>
    public const int MinImageSize = 16;

    /// <summary>The largest supported image side.</summary>
    public const int MaxImageSize = 256;

    /// <summary>The class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = SynthShapes.Names;

    /// <summary>The object colour names that captions use.</summary>
    public static IReadOnlyList<string> ColourNames => SynthRenderer.ColourNames;

    /// <summary>Every domain, in enum order.</summary>
    public static IReadOnlyList<SynthDomain> AllDomains { get; } = Enum.GetValues<SynthDomain>();

    /// <summary>The four domains that play PACS's roles: photo, painting (art), cartoon, sketch, in PACS's order.</summary>
    public static IReadOnlyList<SynthDomain> PacsLikeDomains { get; } =
        [SynthDomain.Photo, SynthDomain.Painting, SynthDomain.Cartoon, SynthDomain.Sketch];

    /// <summary>The domain's name in datasets and reports: <c>photo</c>, <c>sketch</c>, <c>cartoon</c>, <c>painting</c>, <c>infrared</c>, <c>pixel_art</c>, <c>silhouette</c>.</summary>
    /// <param name="domain">The domain.</param>
    /// <returns>The lowercase name.</returns>
    public static string DomainName(SynthDomain domain) => domain switch
    {
        SynthDomain.Photo => "photo",
        SynthDomain.Sketch => "sketch",
        SynthDomain.Cartoon => "cartoon",
        SynthDomain.Painting => "painting",
        SynthDomain.Infrared => "infrared",
        SynthDomain.PixelArt => "pixel_art",
        SynthDomain.Silhouette => "silhouette",
        _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, "Unknown SynthDomain."),
    };

    /// <summary>Whether the domain shows the object's colour (and its captions name it).</summary>
    /// <param name="domain">The domain.</param>
    /// <returns><see langword="false"/> for sketch, infrared and silhouette.</returns>
    public static bool ShowsColour(SynthDomain domain) =>
        domain is not (SynthDomain.Sketch or SynthDomain.Infrared or SynthDomain.Silhouette);

    /// <summary>The caption grammar: <c>{style} of {a|an} [{colour}] {class}</c>, e.g. <c>an infrared photo of a moon</c>, <c>a painting of an orange cup</c>.</summary>
    /// <param name="domain">The domain, which gives the style phrase.</param>
    /// <param name="label">The class index.</param>
    /// <param name="colour">A colour name from <see cref="ColourNames"/>, or <see langword="null"/> to leave it out.</param>
    /// <returns>The caption, lowercase words separated by single spaces.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The label or colour is unknown.</exception>
    public static string Caption(SynthDomain domain, int label, string? colour)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, ClassNames.Count);
        if (colour is not null && !ColourNames.Contains(colour))
            throw new ArgumentOutOfRangeException(nameof(colour), colour, $"Unknown colour; use one of {string.Join(", ", ColourNames)} or null.");
        string style = domain switch
        {
            SynthDomain.Photo => "a photo",
            SynthDomain.Sketch => "a sketch",
            SynthDomain.Cartoon => "a cartoon",
            SynthDomain.Painting => "a painting",
            SynthDomain.Infrared => "an infrared photo",
            SynthDomain.PixelArt => "a pixel art image",
            SynthDomain.Silhouette => "a silhouette",
            _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, "Unknown SynthDomain."),
        };
        string noun = colour is null ? ClassNames[label] : colour + " " + ClassNames[label];
        return $"{style} of {Article(noun)} {noun}";
    }

    /// <summary>"an" before a vowel, else "a".</summary>
    /// <param name="word">The next word.</param>
    /// <returns><c>a</c> or <c>an</c>.</returns>
    public static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0]) ? "an" : "a";

    /// <summary>Every word the caption grammar can produce (and <c>a {class}</c> / <c>a photo of a {class}</c> prompts use), sorted ordinally.</summary>
    public static IReadOnlyList<string> CaptionWords { get; } = MakeCaptionWords();

    /// <summary>Draws one image.</summary>
    /// <param name="seed">The generator seed.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="index">The index within the domain (≥ 0); its class is <c>index mod 10</c>.</param>
    /// <param name="imageSize">The image side in pixels, in [<see cref="MinImageSize"/>, <see cref="MaxImageSize"/>].</param>
    /// <returns>The image, label, colour and caption.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The domain, index or size is out of range.</exception>
    public static SynthImage Render(long seed, SynthDomain domain, int index, int imageSize)
    {
        if (!Enum.IsDefined(domain)) throw new ArgumentOutOfRangeException(nameof(domain), domain, "Unknown SynthDomain.");
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, MinImageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(imageSize, MaxImageSize);
        return SynthRenderer.Render(seed, domain, index, imageSize);
    }

    /// <summary>Generates the dataset: <see cref="SynthDGOptions.SamplesPerDomain"/> images of every domain (indices 0…N−1), in parallel.</summary>
    /// <param name="options">What to generate; <see langword="null"/> for the defaults.</param>
    /// <returns>The dataset (domains named by <see cref="DomainName"/>) and its captions.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static SynthDGData Create(SynthDGOptions? options = null)
    {
        options ??= new SynthDGOptions();
        options.Validate();
        var domains = options.EffectiveDomains;
        int n = options.SamplesPerDomain, size = options.ImageSize, plane = 3 * size * size;
        var inMemory = new List<InMemoryDomain>();
        var captions = new List<IReadOnlyList<string>>();
        using var scope = torch.NewDisposeScope();
        foreach (var domain in domains)
        {
            var images = new SynthImage[n];
            Parallel.For(0, n, i => images[i] = SynthRenderer.Render(options.Seed, domain, i, size));
            var pixels = new byte[(long)n * plane];
            for (int i = 0; i < n; i++) images[i].Image.Pixels.CopyTo(pixels, (long)i * plane);
            var tensor = torch.tensor(pixels, [n, 3, size, size], ScalarType.Byte);
            var labels = torch.tensor(images.Select(im => (long)im.Label).ToArray(), ScalarType.Int64);
            inMemory.Add(new InMemoryDomain(DomainName(domain), tensor, labels));
            captions.Add(images.Select(im => im.Caption).ToArray());
        }
        return new SynthDGData(options, new InMemoryDataset(ClassNames, inMemory), captions);
    }

    /// <summary>A contact sheet: one row per class, one column per domain, the image of index <c>class + 10·variant</c>.</summary>
    /// <param name="seed">The generator seed.</param>
    /// <param name="imageSize">The side of each tile in pixels.</param>
    /// <param name="domains">The columns; <see langword="null"/> for <see cref="AllDomains"/>.</param>
    /// <param name="variant">Which pose of each class to show (≥ 0).</param>
    /// <param name="gap">White pixels between tiles.</param>
    /// <returns>The sheet as one RGB image.</returns>
    public static RgbImage ContactSheet(long seed, int imageSize, IReadOnlyList<SynthDomain>? domains = null, int variant = 0, int gap = 2)
    {
        domains ??= AllDomains;
        ArgumentOutOfRangeException.ThrowIfNegative(variant);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        int rows = ClassNames.Count, cols = domains.Count;
        int width = cols * imageSize + (cols + 1) * gap, height = rows * imageSize + (rows + 1) * gap;
        var pixels = new byte[3 * width * height];
        Array.Fill(pixels, (byte)255);
        for (int row = 0; row < rows; row++)
        {
            for (int col = 0; col < cols; col++)
            {
                var tile = Render(seed, domains[col], row + ClassNames.Count * variant, imageSize).Image.Pixels;
                int top = gap + row * (imageSize + gap), left = gap + col * (imageSize + gap);
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < imageSize; y++)
                        Array.Copy(tile, (c * imageSize + y) * imageSize, pixels, (c * height + top + y) * width + left, imageSize);
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Encodes an image as PNG and writes it atomically (temporary file, then rename), creating the folder.</summary>
    /// <param name="image">The image.</param>
    /// <param name="path">The <c>.png</c> file to write.</param>
    /// <param name="scale">Integer nearest-neighbour magnification (1–16) so small images stay readable.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WritePng(RgbImage image, string path, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 16);
        int w = image.Width * scale, h = image.Height * scale, plane = image.Width * image.Height;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[4 * w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int src = (y / scale) * image.Width + x / scale, dst = 4 * (y * w + x);
                rgba[dst] = image.Pixels[src];
                rgba[dst + 1] = image.Pixels[plane + src];
                rgba[dst + 2] = image.Pixels[2 * plane + src];
                rgba[dst + 3] = 255;
            }
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"SkiaSharp could not encode a {w}x{h} PNG for '{path}'.");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = File.Create(temporary)) data.SaveTo(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static string[] MakeCaptionWords()
    {
        var words = new SortedSet<string>(StringComparer.Ordinal) { "a", "an", "of" };
        foreach (var domain in Enum.GetValues<SynthDomain>())
            foreach (var word in Caption(domain, 0, null).Split(' ')) words.Add(word);
        foreach (var c in SynthShapes.Names) words.Add(c);
        foreach (var c in SynthRenderer.ColourNames) words.Add(c);
        return words.ToArray();
    }
}
