namespace VL2V.Distillation.Data;

/// <summary>The random choices of one augmented view (see <see cref="DomainBedAugmentation"/>).</summary>
/// <param name="Top">The crop's top row in the source image.</param>
/// <param name="Left">The crop's left column.</param>
/// <param name="Height">The crop's height.</param>
/// <param name="Width">The crop's width.</param>
/// <param name="Flip">Whether the view is flipped horizontally.</param>
/// <param name="JitterOrder">The order of the colour ops: 0 brightness, 1 contrast, 2 saturation, 3 hue.</param>
/// <param name="Brightness">The brightness factor.</param>
/// <param name="Contrast">The contrast factor.</param>
/// <param name="Saturation">The saturation factor.</param>
/// <param name="Hue">The hue shift.</param>
/// <param name="Grayscale">Whether the view is converted to grayscale.</param>
internal sealed record AugmentationParameters(int Top, int Left, int Height, int Width, bool Flip, int[] JitterOrder,
    float Brightness, float Contrast, float Saturation, float Hue, bool Grayscale);
