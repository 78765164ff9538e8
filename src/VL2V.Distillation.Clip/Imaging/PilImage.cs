namespace VL2V.Distillation.Clip.Imaging;

/// <summary>An interleaved uint8 image <c>[Height, Width, Channels]</c> with the PIL mode it stands for.</summary>
internal sealed record PilImage(int Width, int Height, PilMode Mode, byte[] Pixels)
{
    /// <summary>Channels stored per pixel for a mode.</summary>
    public static int ChannelsOf(PilMode mode) => mode switch
    {
        PilMode.L or PilMode.Bilevel => 1,
        PilMode.LA => 2,
        PilMode.Rgb or PilMode.Palette => 3,
        PilMode.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown PIL mode."),
    };

    /// <summary>Channels per pixel.</summary>
    public int Channels => ChannelsOf(Mode);
}
