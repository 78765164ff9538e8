namespace VL2V.Distillation.Clip.Imaging;

/// <summary>
/// openai/CLIP's image transform, bit-exact with its PIL pipeline (<c>clip.clip._transform(n)</c>, Pillow 9.4):
/// decode → resize the shorter side to n with PIL's antialiased BICUBIC on uint8 (longer side
/// <c>int(n·long/short)</c>; RGBA/LA premultiplied while resizing; palette and 1-bit images NEAREST, as PIL does) →
/// centre crop n×n at <c>round((H'-n)/2)</c>, <c>round((W'-n)/2)</c> (half to even) → RGB (alpha dropped, gray
/// replicated) → <c>x/255</c> → <c>(x - mean)/std</c>, all in float32.
/// </summary>
/// <remarks>
/// Instances are immutable and may be shared between threads. Checked bit for bit against Pillow for RGB, RGBA, L,
/// LA, palette (PNG, GIF) and 1-bit PNGs and RGB/gray JPEGs. Not reproduced exactly: 16-bit PNGs (Skia rounds to
/// 8 bits; PIL keeps the high byte of 16-bit RGB and opens 16-bit gray as mode I;16) and CMYK JPEGs (converted by
/// Skia, by PIL only at <c>convert("RGB")</c>). EXIF orientation is ignored, exactly as CLIP ignores it. Batches are
/// processed sequentially; call from several threads to spread images over cores.
/// </remarks>
public sealed class ClipImagePreprocessor
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates the transform.</summary>
    /// <param name="options">Size and normalisation; null for CLIP's defaults at 224 px.</param>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public ClipImagePreprocessor(ClipPreprocessOptions? options = null)
    {
        Options = options ?? new ClipPreprocessOptions();
        Options.Validate();
        _mean = [.. Options.Mean];
        _std = [.. Options.Std];
    }

    /// <summary>The options in use.</summary>
    public ClipPreprocessOptions Options { get; }

    /// <summary>Output side n.</summary>
    public int Size => Options.Size;

    /// <summary>Preprocesses one image file.</summary>
    /// <returns><c>pixel_values [3, n, n] float32</c>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable image (the message names it and the decoder's reason).</exception>
    public Tensor Preprocess(string path)
    {
        var values = new float[3 * Size * Size];
        Fill(ImageDecoder.Decode(ReadFile(path), path), values);
        return torch.tensor(values, [3, Size, Size], ScalarType.Float32);
    }

    /// <summary>Preprocesses one encoded image (PNG or JPEG bytes).</summary>
    /// <param name="encoded">The encoded file contents.</param>
    /// <param name="name">A name for error messages (e.g. the source file or URL).</param>
    /// <returns><c>pixel_values [3, n, n] float32</c>.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a readable image.</exception>
    public Tensor Preprocess(byte[] encoded, string name = "image")
    {
        var values = new float[3 * Size * Size];
        Fill(ImageDecoder.Decode(encoded, name), values);
        return torch.tensor(values, [3, Size, Size], ScalarType.Float32);
    }

    /// <summary>Preprocesses image files into one batch.</summary>
    /// <param name="paths">B file paths.</param>
    /// <returns><c>pixel_values [B, 3, n, n] float32</c>.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a readable image (the message names it and the decoder's reason).</exception>
    public Tensor PreprocessBatch(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Batch(paths.Count, i => ImageDecoder.Decode(ReadFile(paths[i]), paths[i]));
    }

    /// <summary>Preprocesses encoded images (PNG or JPEG bytes) into one batch.</summary>
    /// <param name="images">B encoded images.</param>
    /// <returns><c>pixel_values [B, 3, n, n] float32</c>.</returns>
    /// <exception cref="InvalidDataException">An entry is not a readable image (the message gives its index).</exception>
    public Tensor PreprocessBatch(IReadOnlyList<byte[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Batch(images.Count, i => ImageDecoder.Decode(images[i] ?? throw new ArgumentException($"Image {i} of the batch is null.", nameof(images)), $"image {i} of the batch"));
    }

    private Tensor Batch(int count, Func<int, PilImage> decode)
    {
        var plane = 3 * Size * Size;
        var values = new float[checked(count * plane)];
        for (var i = 0; i < count; i++) Fill(decode(i), values.AsSpan(i * plane, plane));
        return torch.tensor(values, [count, 3, Size, Size], ScalarType.Float32);
    }

    private static byte[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The image file '{path}' does not exist.", path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Resize, crop, RGB, scale and normalise into <c>[3, n, n]</c>.</summary>
    internal void Fill(PilImage image, Span<float> destination)
    {
        var n = Size;
        var rgb = ToRgb(ResizeAndCrop(image, n));
        for (var c = 0; c < 3; c++)
        {
            var mean = _mean[c];
            var std = _std[c];
            var plane = destination.Slice(c * n * n, n * n);
            for (int i = 0, p = c; i < plane.Length; i++, p += 3)
            {
                var v = rgb[p] / 255f;                                   // ToTensor: float32 division
                plane[i] = (v - mean) / std;                             // Normalize: subtract, then divide
            }
        }
    }

    /// <summary><c>convert("RGB")</c>: <c>[H, W, 3] uint8</c> (alpha dropped, gray replicated, palette already expanded).</summary>
    internal static byte[] ToRgb(PilImage image)
    {
        var channels = image.Channels;
        if (channels == 3) return image.Pixels;
        var gray = image.Mode is PilMode.L or PilMode.LA or PilMode.Bilevel;
        var rgb = new byte[image.Width * image.Height * 3];
        for (int p = 0, q = 0; q < rgb.Length; p += channels, q += 3)
        {
            rgb[q] = image.Pixels[p];
            rgb[q + 1] = image.Pixels[gray ? p : p + 1];
            rgb[q + 2] = image.Pixels[gray ? p : p + 2];
        }
        return rgb;
    }

    /// <summary>torchvision's <c>Resize(n)</c> target for a PIL image: the shorter side n, the longer <c>int(n·long/short)</c>.</summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, int n)
    {
        if (width <= height) return (n, (int)((double)n * height / width));
        return ((int)((double)n * width / height), n);
    }

    /// <summary><c>CenterCrop(n)</c>'s origin: Python's <c>int(round((size - n) / 2.0))</c>, half to even.</summary>
    internal static (int Top, int Left) CropOrigin(int width, int height, int n)
    {
        if (width < n || height < n)
        {
            throw new InvalidOperationException($"Cannot crop {n}x{n} from a {width}x{height} image.");
        }
        return ((int)Math.Round((height - n) / 2.0, MidpointRounding.ToEven), (int)Math.Round((width - n) / 2.0, MidpointRounding.ToEven));
    }

    /// <summary><c>PIL.Image.resize(ResizedSize, BICUBIC)</c>; the result keeps the input's mode (RGBA stays RGBA).</summary>
    internal static PilImage Resize(PilImage image, int n)
    {
        var (width, height) = ResizedSize(image.Width, image.Height, n);
        return ResizeWindow(image, width, height, 0, 0, width, height);
    }

    /// <summary>
    /// <c>Resize(n)</c> then <c>CenterCrop(n)</c>, computing only the n×n window (identical to cropping the full
    /// resize, at a fraction of the cost for elongated images).
    /// </summary>
    internal static PilImage ResizeAndCrop(PilImage image, int n)
    {
        var (width, height) = ResizedSize(image.Width, image.Height, n);
        var (top, left) = CropOrigin(width, height, n);
        return ResizeWindow(image, width, height, left, top, n, n);
    }

    private static PilImage ResizeWindow(PilImage image, int width, int height, int left, int top, int windowWidth, int windowHeight)
    {
        var channels = image.Channels;
        byte[] pixels;
        if (width == image.Width && height == image.Height)
        {
            pixels = Crop(image.Pixels, image.Width, channels, left, top, windowWidth, windowHeight);   // PIL: a copy
        }
        else if (image.Mode is PilMode.Palette or PilMode.Bilevel)
        {
            var full = PilResampler.Nearest(image.Pixels, image.Width, image.Height, channels, width, height);
            pixels = Crop(full, width, channels, left, top, windowWidth, windowHeight);
        }
        else if (image.Mode is PilMode.Rgba or PilMode.LA)
        {
            pixels = PilResampler.BicubicWindow(Premultiply(image.Pixels, channels), image.Width, image.Height, channels,
                width, height, left, top, windowWidth, windowHeight);
            Unpremultiply(pixels, channels);
        }
        else
        {
            pixels = PilResampler.BicubicWindow(image.Pixels, image.Width, image.Height, channels,
                width, height, left, top, windowWidth, windowHeight);
        }
        return new PilImage(windowWidth, windowHeight, image.Mode, pixels);
    }

    private static byte[] Crop(byte[] pixels, int width, int channels, int left, int top, int windowWidth, int windowHeight)
    {
        var result = new byte[windowWidth * windowHeight * channels];
        for (var y = 0; y < windowHeight; y++)
        {
            Array.Copy(pixels, ((top + y) * width + left) * channels, result, y * windowWidth * channels, windowWidth * channels);
        }
        return result;
    }

    // PIL RGBA → RGBa (and LA → La): c' = MULDIV255(c, a) with t = c·a + 128, ((t >> 8) + t) >> 8.
    private static byte[] Premultiply(byte[] pixels, int channels)
    {
        var result = new byte[pixels.Length];
        for (var p = 0; p < pixels.Length; p += channels)
        {
            int alpha = pixels[p + channels - 1];
            for (var c = 0; c < channels - 1; c++)
            {
                var t = pixels[p + c] * alpha + 128;
                result[p + c] = (byte)(((t >> 8) + t) >> 8);
            }
            result[p + channels - 1] = (byte)alpha;
        }
        return result;
    }

    // PIL RGBa → RGBA: colour kept when alpha is 0 or 255, else min(255, 255·c' / alpha) (integer division).
    private static void Unpremultiply(byte[] pixels, int channels)
    {
        for (var p = 0; p < pixels.Length; p += channels)
        {
            int alpha = pixels[p + channels - 1];
            if (alpha is 0 or 255) continue;
            for (var c = 0; c < channels - 1; c++) pixels[p + c] = (byte)Math.Min(255, 255 * pixels[p + c] / alpha);
        }
    }
}
