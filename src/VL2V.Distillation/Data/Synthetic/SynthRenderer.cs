using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Data.Synthetic;

/// <summary>
/// Draws one <see cref="SynthDG"/> image with plain array operations: a pure function of (seed, domain, index, size).
/// All randomness comes from a <see cref="CounterRng"/> keyed by (seed, domain, index); nothing is shared.
/// </summary>
internal sealed class SynthRenderer
{
    private static readonly (string Name, float R, float G, float B)[] Palette =
    [
        ("red", 0.86f, 0.10f, 0.10f), ("orange", 1.00f, 0.55f, 0.05f), ("yellow", 0.96f, 0.86f, 0.10f),
        ("green", 0.12f, 0.66f, 0.20f), ("blue", 0.12f, 0.30f, 0.88f), ("purple", 0.56f, 0.20f, 0.72f),
        ("pink", 1.00f, 0.45f, 0.72f), ("brown", 0.52f, 0.30f, 0.10f),
    ];

    private readonly int _size;
    private readonly float[] _r, _g, _b;
    private CounterRng _rng;

    private SynthRenderer(long seed, SynthDomain domain, int index, int size)
    {
        _size = size;
        _r = new float[size * size];
        _g = new float[size * size];
        _b = new float[size * size];
        _rng = new CounterRng(seed, 1000 + (long)domain, index);
    }

    public static IReadOnlyList<string> ColourNames { get; } = Palette.Select(p => p.Name).ToArray();

    public static SynthImage Render(long seed, SynthDomain domain, int index, int size)
    {
        var renderer = new SynthRenderer(seed, domain, index, size);
        int label = index % SynthShapes.Names.Length;
        var (colour, image) = renderer.Draw(domain, label);
        string? shown = SynthDG.ShowsColour(domain) ? colour : null;
        return new SynthImage(domain, index, label, shown, SynthDG.Caption(domain, label, shown), image);
    }

    private (string Colour, RgbImage Image) Draw(SynthDomain domain, int label)
    {
        // Geometry first, in the same order for every domain, so one index gives one pose in all domains.
        int colourIndex = _rng.NextInt(Palette.Length);
        var geometry = new Geometry(label, _rng.Uniform(-0.5, 0.5), _rng.NextDouble() < 0.5, _rng.Uniform(0.55, 0.85),
                                    0, 0);
        double room = (1 - geometry.Scale) * 0.8;
        geometry = geometry with { X = _rng.Uniform(-room, room), Y = _rng.Uniform(-room, room) };
        var colour = Palette[colourIndex];
        switch (domain)
        {
            case SynthDomain.Photo: DrawPhoto(geometry, colour); break;
            case SynthDomain.Sketch: DrawSketch(geometry); break;
            case SynthDomain.Cartoon: DrawCartoon(geometry, colour); break;
            case SynthDomain.Painting: DrawPainting(geometry, colour); break;
            case SynthDomain.Infrared: DrawInfrared(geometry); break;
            case SynthDomain.PixelArt: DrawPixelArt(geometry, colour); break;
            case SynthDomain.Silhouette: DrawSilhouette(geometry); break;
            default: throw new ArgumentOutOfRangeException(nameof(domain), domain, "Unknown SynthDomain.");
        }
        return (colour.Name, ToImage());
    }

    // ---------------------------------------------------------------- domains

    private void DrawPhoto(Geometry geometry, (string Name, float R, float G, float B) colour)
    {
        var (c1, c2) = (RandomColour(0.25f, 0.85f), RandomColour(0.25f, 0.85f));
        Gradient(c1, c2, _rng.Uniform(0, 2 * Math.PI));
        AddNoise(ValueNoise(5, 5, 0), 0.35f);
        AddPixelNoise(0.06f);
        int blobs = 2 + _rng.NextInt(3);
        for (int i = 0; i < blobs; i++)
            SoftBlob(_rng.Uniform(0, _size), _rng.Uniform(0, _size), _rng.Uniform(0.06, 0.16) * _size, RandomColour(0.1f, 0.95f), 0.8f);

        var (mask, u, v) = Mask(geometry, _size, null);
        int shift = Math.Max(1, _size / 16);
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                int sx = x - shift, sy = y - shift;
                if (sx >= 0 && sy >= 0 && mask[sy * _size + sx]) Scale(y * _size + x, 0.55f);
            }
        }
        float brightness = (float)_rng.Uniform(0.8, 1.1);
        double lightAngle = _rng.Uniform(1.8, 2.6);
        double lx = Math.Cos(lightAngle), ly = Math.Sin(lightAngle);
        double hx = 0.5 * lx, hy = 0.5 * ly;
        for (int p = 0; p < mask.Length; p++)
        {
            if (!mask[p]) continue;
            double shade = 0.72 + 0.28 * Math.Clamp(lx * u[p] + ly * v[p], -1, 1);
            double spot = 0.3 * Math.Exp(-((u[p] - hx) * (u[p] - hx) + (v[p] - hy) * (v[p] - hy)) / 0.08);
            float k = (float)(brightness * shade);
            Set(p, colour.R * k + (float)spot, colour.G * k + (float)spot, colour.B * k + (float)spot);
        }
        AddPixelNoise(0.03f);
    }

    private void DrawSketch(Geometry geometry)
    {
        float paper = (float)_rng.Uniform(0.9, 1.0);
        Fill(paper, paper * 0.99f, paper * 0.96f);
        AddPixelNoise(0.02f, shared: true);
        var (mask, _, _) = Mask(geometry, _size, null);
        float ink = (float)_rng.Uniform(0.05, 0.3);
        int period = 3 + _rng.NextInt(2);
        int direction = _rng.NextDouble() < 0.5 ? 1 : -1;
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                int p = y * _size + x;
                if (mask[p] && ((x + direction * y) % period + period) % period == 0 && _rng.NextDouble() < 0.6)
                    Blend(p, 0.55f, 0.55f, 0.55f, 0.8f);
            }
        }
        var outline = Outline(mask, _size, thick: _size >= 48);
        for (int p = 0; p < outline.Length; p++)
        {
            if (!outline[p] || _rng.NextDouble() < 0.12) continue;
            float g = ink + (float)_rng.Uniform(0, 0.15);
            Set(p, g, g, g);
        }
        int strokes = 1 + _rng.NextInt(3);
        for (int i = 0; i < strokes; i++)
        {
            double x0 = _rng.Uniform(0, _size), y0 = _rng.Uniform(0, _size), a = _rng.Uniform(0, Math.PI);
            double length = _rng.Uniform(0.15, 0.35) * _size;
            Line(x0, y0, x0 + length * Math.Cos(a), y0 + length * Math.Sin(a), 0.5f, 0.5f, 0.5f);
        }
    }

    private void DrawCartoon(Geometry geometry, (string Name, float R, float G, float B) colour)
    {
        var sky = RandomColour(0.65f, 1.0f);
        Fill(sky.R, sky.G, sky.B);
        if (_rng.NextDouble() < 0.5)
        {
            var ground = RandomColour(0.55f, 0.95f);
            for (int p = _size * (_size * 3 / 4); p < _r.Length; p++) Set(p, ground.R, ground.G, ground.B);
        }
        int props = 1 + _rng.NextInt(3);
        for (int i = 0; i < props; i++)
        {
            var c = Palette[_rng.NextInt(Palette.Length)];
            double cx = _rng.Uniform(0, _size), cy = _rng.Uniform(0, _size), r = _rng.Uniform(0.05, 0.1) * _size;
            Disc(cx, cy, r + 1, 0, 0, 0);
            Disc(cx, cy, r, c.R, c.G, c.B);
        }
        var (mask, _, _) = Mask(geometry, _size, null);
        var outline = Outline(mask, _size, thick: true);
        for (int p = 0; p < mask.Length; p++)
        {
            if (outline[p]) Set(p, 0.05f, 0.05f, 0.05f);
            else if (mask[p]) Set(p, colour.R, colour.G, colour.B);
        }
    }

    private void DrawPainting(Geometry geometry, (string Name, float R, float G, float B) colour)
    {
        var (c1, c2) = (RandomColour(0.2f, 0.8f), RandomColour(0.2f, 0.8f));
        Gradient(c1, c2, _rng.Uniform(1.2, 1.9));
        double brush = _rng.Uniform(0, Math.PI);
        int dabs = 3 + _rng.NextInt(4);
        for (int i = 0; i < dabs; i++)
        {
            var c = RandomColour(0.1f, 0.95f);
            Dab(_rng.Uniform(0, _size), _rng.Uniform(0, _size), _rng.Uniform(0.12, 0.25) * _size, brush, c, 0.6f);
        }
        var wobble = (ValueNoise(4, 4, 0), ValueNoise(4, 4, 0));
        var (mask, _, _) = Mask(geometry, _size, wobble);
        var other = Palette[_rng.NextInt(Palette.Length)];
        float mix = (float)_rng.Uniform(0.0, 0.3), k = (float)_rng.Uniform(0.75, 1.0);
        for (int p = 0; p < mask.Length; p++)
        {
            if (mask[p])
                Set(p, k * ((1 - mix) * colour.R + mix * other.R), k * ((1 - mix) * colour.G + mix * other.G), k * ((1 - mix) * colour.B + mix * other.B));
        }
        var strokesR = ValueNoise(12, 3, brush);
        var strokesG = ValueNoise(12, 3, brush);
        var strokesB = ValueNoise(12, 3, brush);
        var luminance = ValueNoise(16, 4, brush);
        for (int p = 0; p < _r.Length; p++)
        {
            float l = (luminance[p] - 0.5f) * 0.3f;
            _r[p] += (strokesR[p] - 0.5f) * 0.3f + l;
            _g[p] += (strokesG[p] - 0.5f) * 0.3f + l;
            _b[p] += (strokesB[p] - 0.5f) * 0.3f + l;
        }
    }

    private void DrawInfrared(Geometry geometry)
    {
        var heat = new float[_size * _size];
        var background = ValueNoise(4, 4, 0);
        float cold = (float)_rng.Uniform(0.05, 0.2);
        for (int p = 0; p < heat.Length; p++) heat[p] = cold + 0.2f * background[p];
        int blobs = 1 + _rng.NextInt(3);
        for (int i = 0; i < blobs; i++)
        {
            double cx = _rng.Uniform(0, _size), cy = _rng.Uniform(0, _size), r = _rng.Uniform(0.08, 0.18) * _size;
            float warmth = (float)_rng.Uniform(0.2, 0.4);
            for (int y = 0; y < _size; y++)
            {
                for (int x = 0; x < _size; x++)
                {
                    double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
                    heat[y * _size + x] += warmth * (float)Math.Exp(-d2);
                }
            }
        }
        var (mask, u, v) = Mask(geometry, _size, null);
        float hot = (float)_rng.Uniform(0.7, 0.85);
        for (int p = 0; p < heat.Length; p++)
        {
            if (mask[p]) heat[p] = hot + 0.15f * (float)(1 - (u[p] * u[p] + v[p] * v[p]) / 2);
            heat[p] += (float)_rng.Uniform(-0.03, 0.03);
            var (r, g, b) = Ironbow(heat[p]);
            Set(p, r, g, b);
        }
    }

    private void DrawPixelArt(Geometry geometry, (string Name, float R, float G, float B) colour)
    {
        int low = Math.Max(16, _size / 4);
        (float R, float G, float B)[] retro = [(0.10f, 0.10f, 0.30f), (0.05f, 0.25f, 0.15f), (0.08f, 0.08f, 0.08f), (0.30f, 0.10f, 0.35f), (0.05f, 0.30f, 0.35f), (0.80f, 0.80f, 0.75f)];
        var bg1 = retro[_rng.NextInt(retro.Length)];
        var bg2 = retro[_rng.NextInt(retro.Length)];
        bool checker = _rng.NextDouble() < 0.5;
        var cells = new (float R, float G, float B)[low * low];
        for (int y = 0; y < low; y++)
            for (int x = 0; x < low; x++)
                cells[y * low + x] = checker && ((x / 2 + y / 2) % 2 == 1) ? bg2 : bg1;
        int sparkles = 2 + _rng.NextInt(4);
        for (int i = 0; i < sparkles; i++)
        {
            var c = Palette[_rng.NextInt(Palette.Length)];
            cells[_rng.NextInt(cells.Length)] = (c.R, c.G, c.B);
        }
        var (mask, _, _) = Mask(geometry, low, null);
        var border = Outline(mask, low, thick: false);
        for (int p = 0; p < cells.Length; p++)
        {
            if (border[p]) cells[p] = (colour.R * 0.4f, colour.G * 0.4f, colour.B * 0.4f);
            else if (mask[p]) cells[p] = (colour.R, colour.G, colour.B);
        }
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                var c = cells[(y * low / _size) * low + x * low / _size];
                Set(y * _size + x, c.R, c.G, c.B);
            }
        }
    }

    private void DrawSilhouette(Geometry geometry)
    {
        (float R, float G, float B, float R2, float G2, float B2)[] skies =
        [
            (1.0f, 0.6f, 0.2f, 0.45f, 0.2f, 0.55f), (1.0f, 0.9f, 0.4f, 0.9f, 0.3f, 0.2f),
            (1.0f, 0.6f, 0.7f, 0.2f, 0.3f, 0.7f), (0.6f, 0.85f, 1.0f, 1.0f, 0.7f, 0.4f),
        ];
        var sky = skies[_rng.NextInt(skies.Length)];
        for (int y = 0; y < _size; y++)
        {
            float t = (float)y / (_size - 1);
            for (int x = 0; x < _size; x++)
                Set(y * _size + x, sky.R + (sky.R2 - sky.R) * t, sky.G + (sky.G2 - sky.G) * t, sky.B + (sky.B2 - sky.B) * t);
        }
        if (_rng.NextDouble() < 0.5)
            Disc(_rng.Uniform(0, _size), _rng.Uniform(0, _size * 0.5), _rng.Uniform(0.1, 0.2) * _size, 1.0f, 0.97f, 0.75f);
        int birds = 2 + _rng.NextInt(3);
        for (int i = 0; i < birds; i++)
        {
            double x = _rng.Uniform(0, _size), y = _rng.Uniform(0, _size * 0.6), w = Math.Max(2, _size / 20.0);
            Line(x - w, y - w / 2, x, y, 0.05f, 0.05f, 0.05f);
            Line(x, y, x + w, y - w / 2, 0.05f, 0.05f, 0.05f);
        }
        var (mask, _, _) = Mask(geometry, _size, null);
        float dark = (float)_rng.Uniform(0.0, 0.1);
        for (int p = 0; p < mask.Length; p++)
            if (mask[p]) Set(p, dark, dark, dark);
    }

    // ---------------------------------------------------------------- geometry

    private readonly record struct Geometry(int Label, double Rotation, bool Flip, double Scale, double X, double Y);

    /// <summary>The object's mask at <paramref name="size"/>² and each pixel's canonical coordinates (x right, y up).</summary>
    private static (bool[] Mask, float[] U, float[] V) Mask(Geometry g, int size, (float[] X, float[] Y)? wobble)
    {
        var mask = new bool[size * size];
        var u = new float[size * size];
        var v = new float[size * size];
        double cos = Math.Cos(g.Rotation), sin = Math.Sin(g.Rotation);
        int wobbleSize = wobble is null ? 0 : (int)Math.Sqrt(wobble.Value.X.Length);
        for (int y = 0; y < size; y++)
        {
            double ny = -(2 * (y + 0.5) / size - 1) - g.Y;
            for (int x = 0; x < size; x++)
            {
                double nx = 2 * (x + 0.5) / size - 1 - g.X;
                double wx = nx, wy = ny;
                if (wobble is var (wX, wY) && wobbleSize > 0)
                {
                    int q = (y * wobbleSize / size) * wobbleSize + x * wobbleSize / size;
                    wx += (wX[q] - 0.5) * 0.16;
                    wy += (wY[q] - 0.5) * 0.16;
                }
                double cx = (cos * wx + sin * wy) / g.Scale;
                double cy = (-sin * wx + cos * wy) / g.Scale;
                if (g.Flip) cx = -cx;
                int p = y * size + x;
                u[p] = (float)cx;
                v[p] = (float)cy;
                mask[p] = SynthShapes.Inside(g.Label, cx, cy);
            }
        }
        return (mask, u, v);
    }

    /// <summary>Mask pixels next to a background pixel; with <paramref name="thick"/> also background pixels next to the mask.</summary>
    private static bool[] Outline(bool[] mask, int size, bool thick)
    {
        var edge = new bool[mask.Length];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int p = y * size + x;
                if (!mask[p] && !thick) continue;
                bool differs = false;
                if (x > 0) differs |= mask[p - 1] != mask[p];
                if (x < size - 1) differs |= mask[p + 1] != mask[p];
                if (y > 0) differs |= mask[p - size] != mask[p];
                if (y < size - 1) differs |= mask[p + size] != mask[p];
                if (mask[p] && (x == 0 || y == 0 || x == size - 1 || y == size - 1)) differs = true;
                edge[p] = differs;
            }
        }
        return edge;
    }

    // ---------------------------------------------------------------- drawing helpers

    private (float R, float G, float B) RandomColour(float low, float high) =>
        ((float)_rng.Uniform(low, high), (float)_rng.Uniform(low, high), (float)_rng.Uniform(low, high));

    private void Set(int p, float r, float g, float b)
    {
        _r[p] = r;
        _g[p] = g;
        _b[p] = b;
    }

    private void Blend(int p, float r, float g, float b, float alpha)
    {
        _r[p] += alpha * (r - _r[p]);
        _g[p] += alpha * (g - _g[p]);
        _b[p] += alpha * (b - _b[p]);
    }

    private void Scale(int p, float k)
    {
        _r[p] *= k;
        _g[p] *= k;
        _b[p] *= k;
    }

    private void Fill(float r, float g, float b)
    {
        for (int p = 0; p < _r.Length; p++) Set(p, r, g, b);
    }

    private void Gradient((float R, float G, float B) c1, (float R, float G, float B) c2, double angle)
    {
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                float t = (float)Math.Clamp(0.5 + ((x + 0.5) / _size - 0.5) * dx + ((y + 0.5) / _size - 0.5) * dy, 0, 1);
                Set(y * _size + x, c1.R + t * (c2.R - c1.R), c1.G + t * (c2.G - c1.G), c1.B + t * (c2.B - c1.B));
            }
        }
    }

    private void AddNoise(float[] noise, float amplitude)
    {
        for (int p = 0; p < _r.Length; p++)
        {
            float n = (noise[p] - 0.5f) * amplitude;
            _r[p] += n;
            _g[p] += n;
            _b[p] += n;
        }
    }

    private void AddPixelNoise(float amplitude, bool shared = false)
    {
        for (int p = 0; p < _r.Length; p++)
        {
            float n = (float)_rng.Uniform(-amplitude, amplitude);
            _r[p] += n;
            _g[p] += shared ? n : (float)_rng.Uniform(-amplitude, amplitude);
            _b[p] += shared ? n : (float)_rng.Uniform(-amplitude, amplitude);
        }
    }

    private void SoftBlob(double cx, double cy, double radius, (float R, float G, float B) c, float alpha)
    {
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                double d = Math.Sqrt((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy)) / radius;
                if (d < 1) Blend(y * _size + x, c.R, c.G, c.B, alpha * (float)(1 - d));
            }
        }
    }

    private void Dab(double cx, double cy, double length, double angle, (float R, float G, float B) c, float alpha)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle), width = length * 0.3;
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                double a = (cos * dx + sin * dy) / length, b = (-sin * dx + cos * dy) / width;
                if (a * a + b * b <= 1) Blend(y * _size + x, c.R, c.G, c.B, alpha);
            }
        }
    }

    private void Disc(double cx, double cy, double radius, float r, float g, float b)
    {
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= radius * radius) Set(y * _size + x, r, g, b);
            }
        }
    }

    private void Line(double x0, double y0, double x1, double y1, float r, float g, float b)
    {
        int steps = (int)Math.Ceiling(Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0))) + 1;
        for (int i = 0; i <= steps; i++)
        {
            double t = (double)i / steps;
            int x = (int)Math.Floor(x0 + t * (x1 - x0)), y = (int)Math.Floor(y0 + t * (y1 - y0));
            if (x >= 0 && y >= 0 && x < _size && y < _size) Set(y * _size + x, r, g, b);
        }
    }

    /// <summary>
    /// Smooth value noise in [0, 1] at every pixel: random values on a (gridX+1)×(gridY+1) lattice, bilinear with
    /// smoothstep, the lattice rotated by <paramref name="angle"/> (gridX ≫ gridY gives strokes along the angle's normal).
    /// </summary>
    private float[] ValueNoise(int gridX, int gridY, double angle)
    {
        var lattice = new float[(gridX + 1) * (gridY + 1)];
        for (int i = 0; i < lattice.Length; i++) lattice[i] = (float)_rng.NextDouble();
        var noise = new float[_size * _size];
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int y = 0; y < _size; y++)
        {
            for (int x = 0; x < _size; x++)
            {
                double nx = (x + 0.5) / _size - 0.5, ny = (y + 0.5) / _size - 0.5;
                double a = Math.Clamp((cos * nx + sin * ny) / 1.42 + 0.5, 0, 1) * gridX;
                double b = Math.Clamp((-sin * nx + cos * ny) / 1.42 + 0.5, 0, 1) * gridY;
                int i = Math.Min((int)a, gridX - 1), j = Math.Min((int)b, gridY - 1);
                double fa = a - i, fb = b - j;
                fa = fa * fa * (3 - 2 * fa);
                fb = fb * fb * (3 - 2 * fb);
                int row = gridX + 1;
                double top = lattice[j * row + i] + fa * (lattice[j * row + i + 1] - lattice[j * row + i]);
                double bottom = lattice[(j + 1) * row + i] + fa * (lattice[(j + 1) * row + i + 1] - lattice[(j + 1) * row + i]);
                noise[y * _size + x] = (float)(top + fb * (bottom - top));
            }
        }
        return noise;
    }

    private static (float R, float G, float B) Ironbow(float t)
    {
        ReadOnlySpan<float> stops = [0f, 0.02f, 0.0f, 0.12f, 0.3f, 0.35f, 0.0f, 0.55f, 0.55f, 0.85f, 0.1f, 0.25f,
                                     0.75f, 1.0f, 0.55f, 0.0f, 0.9f, 1.0f, 0.9f, 0.2f, 1.0f, 1.0f, 1.0f, 0.9f];
        t = Math.Clamp(t, 0f, 1f);
        for (int k = 1; k < 6; k++)
        {
            if (t <= stops[4 * k] || k == 5)
            {
                float t0 = stops[4 * (k - 1)], t1 = stops[4 * k];
                float f = Math.Clamp((t - t0) / (t1 - t0), 0f, 1f);
                return (stops[4 * (k - 1) + 1] + f * (stops[4 * k + 1] - stops[4 * (k - 1) + 1]),
                        stops[4 * (k - 1) + 2] + f * (stops[4 * k + 2] - stops[4 * (k - 1) + 2]),
                        stops[4 * (k - 1) + 3] + f * (stops[4 * k + 3] - stops[4 * (k - 1) + 3]));
            }
        }
        return (1, 1, 1);
    }

    private RgbImage ToImage()
    {
        int n = _size * _size;
        var pixels = new byte[3 * n];
        for (int p = 0; p < n; p++)
        {
            pixels[p] = ToByte(_r[p]);
            pixels[n + p] = ToByte(_g[p]);
            pixels[2 * n + p] = ToByte(_b[p]);
        }
        return new RgbImage(_size, _size, pixels);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);
}
