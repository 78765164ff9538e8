namespace VL2V.Distillation.Data;

/// <summary>
/// Per-image pixel operations on planar float images in [0, 1] (<c>[3,H,W]</c> flattened, R plane then G then B),
/// following the definitions of torchvision's tensor functional ops (<c>resize</c> bilinear with antialias,
/// <c>adjust_brightness/contrast/saturation/hue</c>, <c>rgb_to_grayscale</c>, <c>hflip</c>, <c>normalize</c>).
/// Pure functions of their inputs, safe on any thread, no tensors (so workers never touch dispose scopes).
/// </summary>
internal static class PixelOps
{
    private const float GrayR = 0.2989f, GrayG = 0.587f, GrayB = 0.114f;

    /// <summary>
    /// Crops <c>[top, left, height, width]</c> out of a uint8 image and resizes it to <c>outHeight × outWidth</c>
    /// with antialiased bilinear interpolation (libtorch's <c>_upsample_bilinear2d_aa</c>, align_corners false),
    /// returning floats in [0, 1].
    /// </summary>
    public static float[] ResizedCrop(RgbImage image, int top, int left, int height, int width, int outHeight, int outWidth)
    {
        var (xStart, xCount, xWeights, xTaps) = Coefficients(width, outWidth);
        var (yStart, yCount, yWeights, yTaps) = Coefficients(height, outHeight);
        int srcW = image.Width, srcPlane = image.Width * image.Height;
        var src = image.Pixels;
        var horizontal = new float[height * outWidth];
        var output = new float[3 * outHeight * outWidth];
        for (int c = 0; c < 3; c++)
        {
            int planeBase = c * srcPlane;
            for (int y = 0; y < height; y++)
            {
                int row = planeBase + (top + y) * srcW + left;
                for (int x = 0; x < outWidth; x++)
                {
                    float sum = 0;
                    int s = row + xStart[x], wBase = x * xTaps;
                    for (int k = 0; k < xCount[x]; k++) sum += xWeights[wBase + k] * src[s + k];
                    horizontal[y * outWidth + x] = sum;
                }
            }
            int outBase = c * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++)
            {
                int wBase = y * yTaps, s0 = yStart[y];
                for (int x = 0; x < outWidth; x++)
                {
                    float sum = 0;
                    for (int k = 0; k < yCount[y]; k++) sum += yWeights[wBase + k] * horizontal[(s0 + k) * outWidth + x];
                    output[outBase + y * outWidth + x] = sum * (1f / 255f);
                }
            }
        }
        return output;
    }

    public static void HorizontalFlip(float[] img, int size)
    {
        for (int row = 0; row < 3 * size; row++)
            Array.Reverse(img, row * size, size);
    }

    /// <summary>torchvision <c>adjust_brightness</c>: blend with black.</summary>
    public static void Brightness(float[] img, float factor)
    {
        for (int i = 0; i < img.Length; i++) img[i] = Math.Clamp(factor * img[i], 0f, 1f);
    }

    /// <summary>torchvision <c>adjust_contrast</c>: blend with the mean of the grayscale image.</summary>
    public static void Contrast(float[] img, float factor)
    {
        int n = img.Length / 3;
        double total = 0;
        for (int i = 0; i < n; i++) total += GrayR * img[i] + GrayG * img[n + i] + GrayB * img[2 * n + i];
        float mean = (float)(total / n);
        float offset = (1 - factor) * mean;
        for (int i = 0; i < img.Length; i++) img[i] = Math.Clamp(factor * img[i] + offset, 0f, 1f);
    }

    /// <summary>torchvision <c>adjust_saturation</c>: blend with the grayscale image.</summary>
    public static void Saturation(float[] img, float factor)
    {
        int n = img.Length / 3;
        for (int i = 0; i < n; i++)
        {
            float gray = (1 - factor) * (GrayR * img[i] + GrayG * img[n + i] + GrayB * img[2 * n + i]);
            img[i] = Math.Clamp(factor * img[i] + gray, 0f, 1f);
            img[n + i] = Math.Clamp(factor * img[n + i] + gray, 0f, 1f);
            img[2 * n + i] = Math.Clamp(factor * img[2 * n + i] + gray, 0f, 1f);
        }
    }

    /// <summary>torchvision <c>adjust_hue</c>: RGB → HSV, shift the hue by <paramref name="shift"/> (mod 1), back to RGB.</summary>
    public static void Hue(float[] img, float shift)
    {
        int n = img.Length / 3;
        for (int i = 0; i < n; i++)
        {
            float r = img[i], g = img[n + i], b = img[2 * n + i];
            float max = MathF.Max(r, MathF.Max(g, b)), min = MathF.Min(r, MathF.Min(g, b));
            float chroma = max - min;
            bool flat = max == min;
            float s = chroma / (flat ? 1f : max);
            float divisor = flat ? 1f : chroma;
            float rc = (max - r) / divisor, gc = (max - g) / divisor, bc = (max - b) / divisor;
            float h = max == r ? bc - gc : max == g ? 2f + rc - bc : 4f + gc - rc;
            h = Remainder(Remainder(h / 6f + 1f, 1f) + shift, 1f);

            float h6 = h * 6f;
            float sector = MathF.Floor(h6);
            float f = h6 - sector;
            float v = max;
            float p = Math.Clamp(v * (1f - s), 0f, 1f);
            float q = Math.Clamp(v * (1f - s * f), 0f, 1f);
            float t = Math.Clamp(v * (1f - s * (1f - f)), 0f, 1f);
            (img[i], img[n + i], img[2 * n + i]) = ((int)sector % 6) switch
            {
                0 => (v, t, p),
                1 => (q, v, p),
                2 => (p, v, t),
                3 => (p, q, v),
                4 => (t, p, v),
                _ => (v, p, q),
            };
        }
    }

    /// <summary>torchvision <c>rgb_to_grayscale</c> with three output channels.</summary>
    public static void Grayscale(float[] img)
    {
        int n = img.Length / 3;
        for (int i = 0; i < n; i++)
        {
            float gray = GrayR * img[i] + GrayG * img[n + i] + GrayB * img[2 * n + i];
            img[i] = img[n + i] = img[2 * n + i] = gray;
        }
    }

    /// <summary>Writes <c>(x - mean[c]) / std[c]</c> into the destination.</summary>
    public static void Normalize(float[] img, IReadOnlyList<float> mean, IReadOnlyList<float> std, Span<float> destination)
    {
        int n = img.Length / 3;
        for (int c = 0; c < 3; c++)
        {
            float m = mean[c], inv = 1f / std[c];
            for (int i = 0; i < n; i++) destination[c * n + i] = (img[c * n + i] - m) * inv;
        }
    }

    // Python's % on floats (torch.remainder): the result has the divisor's sign.
    private static float Remainder(float x, float m)
    {
        float r = x % m;
        return r < 0 ? r + m : r;
    }

    private static (int[] Start, int[] Count, float[] Weights, int Taps) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double support = scale >= 1 ? scale : 1.0;           // bilinear: interp_size / 2 = 1, widened when shrinking
        double invScale = scale >= 1 ? 1.0 / scale : 1.0;
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * taps];
        var w = new double[taps];
        for (int i = 0; i < outSize; i++)
        {
            double center = scale * (i + 0.5);
            int min = Math.Max((int)(center - support + 0.5), 0);
            int size = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0;
            for (int j = 0; j < size; j++)
            {
                w[j] = Math.Max(0.0, 1.0 - Math.Abs((j + min - center + 0.5) * invScale));
                total += w[j];
            }
            start[i] = min;
            count[i] = size;
            for (int j = 0; j < size; j++) weights[i * taps + j] = (float)(total != 0 ? w[j] / total : 0);
        }
        return (start, count, weights, taps);
    }
}
