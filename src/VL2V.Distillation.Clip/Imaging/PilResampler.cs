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

    /// <summary>
    /// Horizontal pass over rows <paramref name="rowCount"/> of <c>src [*, width, channels]</c> for output columns
    /// <c>[firstColumn, firstColumn + dst width)</c> → <c>dst [rowCount, columnCount, channels]</c>.
    /// </summary>
    private static void Horizontal(ReadOnlySpan<byte> src, int width, int channels, int rowCount, Span<byte> dst, Coefficients c, int firstColumn, int columnCount)
    {
        var half = 1 << (PrecisionBits - 1);
        for (var y = 0; y < rowCount; y++)
        {
            var srcRow = src.Slice(y * width * channels, width * channels);
            var dstRow = dst.Slice(y * columnCount * channels, columnCount * channels);
            for (var j = 0; j < columnCount; j++)
            {
                var o = firstColumn + j;
                var weights = c.Weights.AsSpan(o * c.KernelSize, c.Count[o]);
                var taps = srcRow.Slice(c.Start[o] * channels, weights.Length * channels);
                var d = j * channels;
                if (channels == 3)
                {
                    int a0 = half, a1 = half, a2 = half;
                    for (int t = 0, p = 0; t < weights.Length; t++, p += 3)
                    {
                        var w = weights[t];
                        a0 += taps[p] * w;
                        a1 += taps[p + 1] * w;
                        a2 += taps[p + 2] * w;
                    }
                    dstRow[d] = Clip8(a0);
                    dstRow[d + 1] = Clip8(a1);
                    dstRow[d + 2] = Clip8(a2);
                }
                else
                {
                    for (var ch = 0; ch < channels; ch++)
                    {
                        var acc = half;
                        for (int t = 0, p = ch; t < weights.Length; t++, p += channels) acc += taps[p] * weights[t];
                        dstRow[d + ch] = Clip8(acc);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Vertical pass for output rows <c>[firstRow, firstRow + rowCount)</c>; <paramref name="src"/> holds input rows
    /// from <paramref name="srcFirstRow"/> on, each <paramref name="rowLength"/> bytes.
    /// </summary>
    private static void Vertical(ReadOnlySpan<byte> src, int rowLength, int srcFirstRow, Span<byte> dst, Coefficients c, int firstRow, int rowCount)
    {
        var acc = new int[rowLength];
        for (var r = 0; r < rowCount; r++)
        {
            var o = firstRow + r;
            Array.Fill(acc, 1 << (PrecisionBits - 1));
            var weights = c.Weights.AsSpan(o * c.KernelSize, c.Count[o]);
            for (var t = 0; t < weights.Length; t++)
            {
                var w = weights[t];
                var srcRow = src.Slice((c.Start[o] + t - srcFirstRow) * rowLength, rowLength);
                for (var i = 0; i < acc.Length; i++) acc[i] += srcRow[i] * w;
            }
            var dstRow = dst.Slice(r * rowLength, rowLength);
            for (var i = 0; i < acc.Length; i++) dstRow[i] = Clip8(acc[i]);
        }
    }

    /// <summary>
    /// PIL BICUBIC resize of an interleaved uint8 image to <paramref name="outWidth"/> × <paramref name="outHeight"/>,
    /// returning only the window <c>[top, top + windowHeight) × [left, left + windowWidth)</c> and computing only the
    /// pixels (and intermediate rows) it needs: every output pixel of PIL's resize depends only on its own taps, so
    /// the window is identical to cropping the full resize. A pass whose size does not change is skipped, as in Pillow.
    /// </summary>
    /// <returns><c>[windowHeight, windowWidth, channels] uint8</c>.</returns>
    public static byte[] BicubicWindow(byte[] src, int width, int height, int channels, int outWidth, int outHeight,
                                       int left, int top, int windowWidth, int windowHeight)
    {
        var vertical = outHeight != height ? BicubicCoefficients(height, outHeight) : null;
        int rowFrom = top, rowTo = top + windowHeight;                   // input rows the vertical pass reads
        if (vertical is not null)
        {
            rowFrom = vertical.Start[top];
            rowTo = 0;
            for (var o = top; o < top + windowHeight; o++) rowTo = Math.Max(rowTo, vertical.Start[o] + vertical.Count[o]);
        }

        byte[] rows;                                                     // [rowTo - rowFrom, windowWidth, channels]
        var rowLength = windowWidth * channels;
        if (outWidth != width)
        {
            rows = new byte[(rowTo - rowFrom) * rowLength];
            Horizontal(src.AsSpan(rowFrom * width * channels), width, channels, rowTo - rowFrom, rows,
                BicubicCoefficients(width, outWidth), left, windowWidth);
        }
        else
        {
            rows = new byte[(rowTo - rowFrom) * rowLength];
            for (var y = rowFrom; y < rowTo; y++)
            {
                Array.Copy(src, (y * width + left) * channels, rows, (y - rowFrom) * rowLength, rowLength);
            }
        }

        if (vertical is null) return rows;
        var result = new byte[windowHeight * rowLength];
        Vertical(rows, rowLength, rowFrom, result, vertical, top, windowHeight);
        return result;
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
