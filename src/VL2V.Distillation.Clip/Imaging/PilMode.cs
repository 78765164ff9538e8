namespace VL2V.Distillation.Clip.Imaging;

/// <summary>The PIL image mode a decoded file would have, which decides how PIL resizes it.</summary>
internal enum PilMode
{
    /// <summary>8-bit gray (1 channel).</summary>
    L,

    /// <summary>Gray + alpha (2 channels), resized premultiplied.</summary>
    LA,

    /// <summary>8-bit RGB (3 channels).</summary>
    Rgb,

    /// <summary>RGB + alpha (4 channels), resized premultiplied.</summary>
    Rgba,

    /// <summary>Palette (stored here expanded to 3 RGB channels); PIL resizes it with NEAREST whatever filter is asked.</summary>
    Palette,

    /// <summary>1-bit (stored here as 1 channel of 0/255); PIL resizes it with NEAREST too.</summary>
    Bilevel,
}
