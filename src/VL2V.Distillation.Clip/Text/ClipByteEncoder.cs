namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// GPT-2/CLIP <c>bytes_to_unicode()</c>: every byte gets a printable character. Bytes '!'..'~', '¡'..'¬' and
/// '®'..'ÿ' stand for themselves; the other 68 bytes (0x00–0x20, 0x7F–0xA0, 0xAD), in increasing order, become
/// U+0100, U+0101, …. <see cref="Symbols"/> lists the characters in the table's order, which is also the order of
/// the first 256 vocabulary ids.
/// </summary>
internal static class ClipByteEncoder
{
    /// <summary>(byte, character) in the order of the table.</summary>
    public static IReadOnlyList<(byte Byte, char Symbol)> Symbols { get; } = Build();

    private static (byte, char)[] Build()
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        var table = new List<(byte, char)>(256);
        for (var b = 0; b < 256; b++)
        {
            if (Printable(b)) table.Add(((byte)b, (char)b));
        }
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            if (!Printable(b)) table.Add(((byte)b, (char)(256 + n++)));
        }
        return [.. table];
    }
}
