namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// The "sloppy" windows-1252 code page used by ftfy and by Python's <c>html.unescape</c> for bytes 0x80–0x9F:
/// windows-1252 where it defines a character, and the C1 control of the same value where it does not
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D). Bytes 0x00–0x7F and 0xA0–0xFF are Latin-1.
/// </summary>
internal static class Windows1252
{
    // Bytes 0x80..0x9F (WHATWG / Unicode mapping table for windows-1252).
    private const string High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>The character a byte decodes to.</summary>
    public static char Decode(byte b) => b is >= 0x80 and <= 0x9F ? High[b - 0x80] : (char)b;

    /// <summary>Encodes a character as one sloppy-windows-1252 byte; false when the code page has no such character.</summary>
    public static bool TryEncode(char c, out byte b)
    {
        if (c < 0x80 || c is >= '\u00A0' and <= '\u00FF')
        {
            b = (byte)c;
            return true;
        }
        var i = High.IndexOf(c);
        b = (byte)(0x80 + i);
        return i >= 0;
    }
}
