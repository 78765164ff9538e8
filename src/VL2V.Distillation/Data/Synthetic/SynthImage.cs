namespace VL2V.Distillation.Data.Synthetic;

/// <summary>One generated image of <see cref="SynthDG"/> with what was drawn.</summary>
/// <param name="Domain">The visual domain.</param>
/// <param name="Index">The image's index within its domain.</param>
/// <param name="Label">The class index into <see cref="SynthDG.ClassNames"/> (<c>Index mod C</c>).</param>
/// <param name="Colour">The object's colour name, or <see langword="null"/> when the domain does not show colour (sketch, infrared, silhouette).</param>
/// <param name="Caption">The caption, e.g. <c>a cartoon of a red star</c>.</param>
/// <param name="Image">The pixels, <c>[3,S,S]</c> uint8.</param>
public sealed record SynthImage(SynthDomain Domain, int Index, int Label, string? Colour, string Caption, RgbImage Image);
