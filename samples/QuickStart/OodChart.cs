using ScottPlot;
using VL2V.Distillation.Training;

namespace QuickStart;

/// <summary>The grouped bar chart of out-of-distribution accuracy per target domain and method (ScottPlot).</summary>
internal static class OodChart
{
    private static readonly string[] FontCandidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ];

    /// <summary>Writes the chart; returns false when no font was found (the bars are drawn, the labels are not).</summary>
    public static bool Write(BenchmarkReport report, string path)
    {
        var font = FontCandidates.FirstOrDefault(File.Exists);
        if (font is not null)
        {
            Fonts.AddFontFile("QuickStart Sans", font);
            Fonts.Default = "QuickStart Sans";
        }
        var plot = new Plot();
        var methods = report.Methods.Keys.ToList();
        int group = methods.Count + 1;
        var bars = new List<Bar>();
        for (int d = 0; d < report.TargetDomains.Count; d++)
        {
            for (int m = 0; m < methods.Count; m++)
            {
                var value = report.Methods[methods[m]].Ood[report.TargetDomains[d]];
                bars.Add(new Bar
                {
                    Position = d * group + m,
                    Value = 100 * value.Mean,
                    Error = 100 * value.Std,
                    FillColor = Palette.Default.GetColor(m),
                });
            }
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(
            report.TargetDomains.Select((_, d) => d * group + (methods.Count - 1) / 2.0).ToArray(),
            report.TargetDomains.Select(t => $"{t} (held out)").ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsY(0, 100);
        plot.Title($"Out-of-distribution accuracy on {report.Benchmark} (leave-one-domain-out, mean ± std over {report.Seeds.Count} seed(s))");
        plot.YLabel("accuracy on the held-out domain (%)");
        for (int m = 0; m < methods.Count; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = methods[m], FillColor = Palette.Default.GetColor(m) });
        plot.Legend.Alignment = Alignment.UpperRight;
        var temporary = path + ".tmp.png";
        plot.SavePng(temporary, 1000, 500);
        File.Move(temporary, path, overwrite: true);
        return font is not null;
    }
}
