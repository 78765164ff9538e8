namespace VL2V.Distillation.Data.Synthetic;

/// <summary>
/// The visual domains (styles) of <see cref="SynthDG"/>. Each changes colour statistics, texture, edges and
/// background the way PACS's photo / art painting / cartoon / sketch domains differ, while the object's shape carries
/// the class. The numeric values are part of each image's random key and never change.
/// </summary>
public enum SynthDomain
{
    /// <summary>Photo-like: shaded object with a drop shadow on a textured gradient background with blurry clutter.</summary>
    Photo = 0,

    /// <summary>Line sketch: broken dark outline and hatching on paper-white, no colour (like PACS sketch).</summary>
    Sketch = 1,

    /// <summary>Flat cartoon: saturated flat fill with a thick black outline on a flat pastel background (like PACS cartoon).</summary>
    Cartoon = 2,

    /// <summary>Painting: wobbly edges, anisotropic brush-stroke colour noise and brush dabs (like PACS art painting).</summary>
    Painting = 3,

    /// <summary>Infrared: a false-colour heat map (object hot, background cold), colour information lost.</summary>
    Infrared = 4,

    /// <summary>Pixel art: rendered at max(16, S/4) pixels with a flat palette and a dark border, upscaled by nearest neighbour.</summary>
    PixelArt = 5,

    /// <summary>Silhouette: a black shape against a sunset gradient, colour lost, only the outline carries the class.</summary>
    Silhouette = 6,
}
