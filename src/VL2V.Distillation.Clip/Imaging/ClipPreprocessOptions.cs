namespace VL2V.Distillation.Clip.Imaging;

/// <summary>Parameters of CLIP's image transform (<c>clip.clip._transform(n_px)</c>).</summary>
public sealed record ClipPreprocessOptions
{
    /// <summary>openai/CLIP's per-channel mean (R, G, B) on the 0–1 scale.</summary>
    public static IReadOnlyList<float> OpenAIMean { get; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>openai/CLIP's per-channel standard deviation (R, G, B) on the 0–1 scale.</summary>
    public static IReadOnlyList<float> OpenAIStd { get; } = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Output side n: the shorter side is resized to n, then the centre n×n is cropped.</summary>
    /// <value>The default is 224 (ViT-B/16, ViT-B/32, RN50).</value>
    public int Size { get; init; } = 224;

    /// <summary>Per-channel mean subtracted after scaling to 0–1.</summary>
    /// <value>The default is <see cref="OpenAIMean"/>.</value>
    public IReadOnlyList<float> Mean { get; init; } = OpenAIMean;

    /// <summary>Per-channel standard deviation divided by after subtracting the mean.</summary>
    /// <value>The default is <see cref="OpenAIStd"/>.</value>
    public IReadOnlyList<float> Std { get; init; } = OpenAIStd;

    internal void Validate()
    {
        var errors = new List<string>();
        if (Size < 1) errors.Add($"- Size must be at least 1 (was {Size}).");
        if (Mean is null || Mean.Count != 3) errors.Add($"- Mean must have 3 values (R, G, B) (had {Mean?.Count ?? 0}).");
        if (Std is null || Std.Count != 3) errors.Add($"- Std must have 3 values (R, G, B) (had {Std?.Count ?? 0}).");
        else if (Std.Any(s => !(s > 0) || float.IsInfinity(s))) errors.Add($"- Std values must be positive and finite (were {string.Join(", ", Std)}).");
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(ClipPreprocessOptions)}' are invalid:\n{string.Join("\n", errors)}");
        }
    }
}
