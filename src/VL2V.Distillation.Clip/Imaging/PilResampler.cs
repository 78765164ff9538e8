namespace VL2V.Distillation.Clip.Imaging;

/// <summary>
/// Pillow's 8-bit resampling (Pillow 9.4 <c>Image.resize</c>), restated from the fixtures README §4:
/// BICUBIC is separable (horizontal pass first, each pass rounded and clipped to uint8), with the filter support
/// scaled by the reduction factor (antialiasing), weights normalised per output pixel and stored in 22-bit fixed
/// point; NEAREST (used by PIL for palette and 1-bit images) picks <c>(int)((x + 0.5) · in/out)</c> with the
/// position accumulated in double precision as Pillow's affine scaler does.
/// </summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double BicubicSupport = 2.0;

    /// <summary>Integer filter taps of one pass: output pixel o reads <c>Count[o]</c> inputs from <c>Start[o]</c>.</summary>
    internal sealed class Coefficients(int kernelSize, int[] start, int[] count, int[] weights)
    {
        public int KernelSize { get; } = kernelSize;
        public int[] Start { get; } = start;
        public int[] Count { get; } = count;
        public int[] Weights { get; } = weights;              // [out, KernelSize], row o valid for Count[o] taps
    }

    private static double CubicKernel(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>The fixed-point bicubic taps for resizing a dimension of <paramref name="inSize"/> to <paramref name="outSize"/>.</summary>
    public static Coefficients BicubicCoefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = BicubicSupport * filterScale;
        var kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var k = new double[kernelSize];
        for (var o = 0; o < outSize; o++)
        {
            var center = (o + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var sum = 0.0;
            for (var x = 0; x < xmax; x++)
            {
                k[x] = CubicKernel((x + xmin - center + 0.5) * ss);
                sum += k[x];
            }
            for (var x = 0; x < xmax; x++)
            {
                var w = sum != 0.0 ? k[x] / sum : k[x];
                var scaled = w * (1 << PrecisionBits);
                weights[o * kernelSize + x] = (int)(w < 0 ? scaled - 0.5 : scaled + 0.5);
            }
            start[o] = xmin;
            count[o] = xmax;
        }
        return new Coefficients(kernelSize, start, count, weights);
    }

    private static byte Clip8(int accumulator)
    {
        var v = accumulator >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>Horizontal pass: <c>src [height, width, channels]</c> → <c>dst [height, outWidth, channels]</c>.</summary>
    public static void Horizontal(ReadOnlySpan<byte> src, int width, int height, int channels, Span<byte> dst, Coefficients c)
    {
        var outWidth = c.Start.Length;
        for (var y = 0; y < height; y++)
        {
            var srcRow = src.Slice(y * width * channels, width * channels);
            var dstRow = dst.Slice(y * outWidth * channels, outWidth * channels);
            for (var o = 0; o < outWidth; o++)
            {
                var weights = c.Weights.AsSpan(o * c.KernelSize, c.Count[o]);
                var first = c.Start[o] * channels;
                for (var ch = 0; ch < channels; ch++)
                {
                    var acc = 1 << (PrecisionBits - 1);
                    var p = first + ch;
                    for (var t = 0; t < weights.Length; t++, p += channels) acc += srcRow[p] * weights[t];
                    dstRow[o * channels + ch] = Clip8(acc);
                }
            }
        }
    }

    /// <summary>Vertical pass: <c>src [height, width, channels]</c> → <c>dst [outHeight, width, channels]</c>.</summary>
    public static void Vertical(ReadOnlySpan<byte> src, int width, int height, int channels, Span<byte> dst, Coefficients c)
    {
        var outHeight = c.Start.Length;
        var rowLength = width * channels;
        var acc = new int[rowLength];
        for (var o = 0; o < outHeight; o++)
        {
            Array.Fill(acc, 1 << (PrecisionBits - 1));
            var weights = c.Weights.AsSpan(o * c.KernelSize, c.Count[o]);
            for (var t = 0; t < weights.Length; t++)
            {
                var w = weights[t];
                var srcRow = src.Slice((c.Start[o] + t) * rowLength, rowLength);
                for (var i = 0; i < rowLength; i++) acc[i] += srcRow[i] * w;
            }
            var dstRow = dst.Slice(o * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++) dstRow[i] = Clip8(acc[i]);
        }
    }

    /// <summary>
    /// PIL BICUBIC resize of an interleaved uint8 image; a pass whose size does not change is skipped, as in Pillow.
    /// </summary>
    /// <returns><c>[outHeight, outWidth, channels] uint8</c>.</returns>
    public static byte[] Bicubic(byte[] src, int width, int height, int channels, int outWidth, int outHeight)
    {
        var current = src;
        var currentWidth = width;
        if (outWidth != width)
        {
            var horizontal = new byte[height * outWidth * channels];
            Horizontal(current, width, height, channels, horizontal, BicubicCoefficients(width, outWidth));
            current = horizontal;
            currentWidth = outWidth;
        }
        if (outHeight != height)
        {
            var vertical = new byte[outHeight * currentWidth * channels];
            Vertical(current, currentWidth, height, channels, vertical, BicubicCoefficients(height, outHeight));
            current = vertical;
        }
        return ReferenceEquals(current, src) ? (byte[])src.Clone() : current;
    }

    /// <summary>PIL NEAREST resize (Pillow's affine scaler: positions accumulated from <c>0.5 · in/out</c> in steps of <c>in/out</c>).</summary>
    /// <returns><c>[outHeight, outWidth, channels] uint8</c>.</returns>
    public static byte[] Nearest(byte[] src, int width, int height, int channels, int outWidth, int outHeight)
    {
        var xs = NearestIndices(width, outWidth);
        var ys = NearestIndices(height, outHeight);
        var dst = new byte[outHeight * outWidth * channels];
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                Array.Copy(src, (ys[y] * width + xs[x]) * channels, dst, (y * outWidth + x) * channels, channels);
            }
        }
        return dst;
    }

    private static int[] NearestIndices(int inSize, int outSize)
    {
        var step = (double)inSize / outSize;
        var position = step * 0.5;
        var result = new int[outSize];
        for (var o = 0; o < outSize; o++)
        {
            result[o] = Math.Min((int)position, inSize - 1);
            position += step;
        }
        return result;
    }
}
