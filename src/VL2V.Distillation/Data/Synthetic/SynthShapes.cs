namespace VL2V.Distillation.Data.Synthetic;

/// <summary>
/// The object classes of <see cref="SynthDG"/> as inside tests in a canonical frame: x to the right, y up, the shape
/// filling about [-1, 1]². Unions, differences and holes of circles, ellipses, boxes and polygons.
/// </summary>
internal static class SynthShapes
{
    public static readonly string[] Names = ["star", "heart", "house", "tree", "car", "fish", "cup", "moon", "arrow", "flower"];

    private static readonly double[] Star = MakeStar();
    private static readonly double[] Roof = [-0.9, 0.1, 0.9, 0.1, 0, 0.95];
    private static readonly double[] Cabin = [-0.5, 0.05, 0.45, 0.05, 0.25, 0.5, -0.3, 0.5];
    private static readonly double[] Tail = [0.3, 0, 0.95, 0.45, 0.95, -0.45];
    private static readonly double[] CupBody = [-0.6, 0.65, 0.4, 0.65, 0.3, -0.7, -0.5, -0.7];
    private static readonly double[] ArrowHead = [0.15, 0.55, 0.95, 0, 0.15, -0.55];

    public static bool Inside(int cls, double x, double y) => cls switch
    {
        0 => InPolygon(Star, x, y),
        1 => Heart(x, y),
        2 => (InBox(x, y, -0.65, -0.9, 0.65, 0.12) || InPolygon(Roof, x, y))
             && !InBox(x, y, -0.15, -0.9, 0.15, -0.35) && !InBox(x, y, 0.3, -0.45, 0.5, -0.2),
        3 => InBox(x, y, -0.13, -0.95, 0.13, -0.2) || InCircle(x, y, 0, 0.3, 0.5)
             || InCircle(x, y, -0.38, 0.05, 0.35) || InCircle(x, y, 0.38, 0.05, 0.35),
        4 => (InBox(x, y, -0.95, -0.4, 0.95, 0.08) && !InPolygonWindow(x, y)) || InPolygon(Cabin, x, y) && !InPolygonWindow(x, y)
             || InCircle(x, y, -0.55, -0.45, 0.24) || InCircle(x, y, 0.55, -0.45, 0.24),
        5 => (InEllipse(x, y, -0.2, 0, 0.62, 0.4) || InPolygon(Tail, x, y)) && !InCircle(x, y, -0.55, 0.1, 0.08),
        6 => InPolygon(CupBody, x, y) || (InCircle(x, y, 0.45, 0.05, 0.38) && !InCircle(x, y, 0.45, 0.05, 0.2) && x > 0.3),
        7 => InCircle(x, y, 0, 0, 0.9) && !InCircle(x, y, 0.45, 0.25, 0.78),
        8 => InBox(x, y, -0.95, -0.13, 0.25, 0.13) || InPolygon(ArrowHead, x, y),
        9 => Flower(x, y),
        _ => throw new ArgumentOutOfRangeException(nameof(cls), cls, $"The class index must be in [0, {Names.Length - 1}]."),
    };

    private static bool InPolygonWindow(double x, double y) => InBox(x, y, -0.38, 0.12, 0.28, 0.42);

    private static bool Heart(double x, double y)
    {
        double u = x * 1.25, v = y * 1.25 + 0.15;
        double a = u * u + v * v - 1;
        return a * a * a - u * u * v * v * v <= 0;
    }

    private static bool Flower(double x, double y)
    {
        const double cy = 0.3;
        if (InBox(x, y, -0.06, -0.95, 0.06, cy)) return true;
        if (InEllipse(x, y, 0.25, -0.55, 0.22, 0.1)) return true;
        for (int k = 0; k < 6; k++)
        {
            double a = k * Math.PI / 3;
            if (InCircle(x, y, 0.42 * Math.Cos(a), cy + 0.42 * Math.Sin(a), 0.26)) return true;
        }
        return InCircle(x, y, 0, cy, 0.22);
    }

    private static bool InCircle(double x, double y, double cx, double cy, double r) =>
        (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;

    private static bool InEllipse(double x, double y, double cx, double cy, double rx, double ry)
    {
        double u = (x - cx) / rx, v = (y - cy) / ry;
        return u * u + v * v <= 1;
    }

    private static bool InBox(double x, double y, double x0, double y0, double x1, double y1) =>
        x >= x0 && x <= x1 && y >= y0 && y <= y1;

    /// <summary>Even-odd crossing test; <paramref name="xy"/> holds x0, y0, x1, y1, ….</summary>
    private static bool InPolygon(double[] xy, double x, double y)
    {
        bool inside = false;
        int n = xy.Length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    private static double[] MakeStar()
    {
        var xy = new double[20];
        for (int k = 0; k < 10; k++)
        {
            double r = k % 2 == 0 ? 1.0 : 0.42;
            double a = Math.PI / 2 + k * Math.PI / 5;
            xy[2 * k] = r * Math.Cos(a);
            xy[2 * k + 1] = r * Math.Sin(a) - 0.05;
        }
        return xy;
    }
}
