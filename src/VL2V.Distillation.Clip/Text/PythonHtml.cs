using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// Python's <c>html.unescape</c> (the standard library function openai/CLIP applies twice), reproduced from its
/// documented rules: numeric references with or without ';' (windows-1252 remapping of 0x80–0x9F, U+FFFD for 0,
/// surrogates and values above U+10FFFF, nothing for the HTML5 "invalid" code points), and named references looked
/// up in the WHATWG HTML5 table, falling back to the longest known prefix (so <c>&amp;notanentity;</c> becomes
/// <c>¬anentity;</c>). <c>System.Net.WebUtility</c> differs: it knows HTML4 names only and no prefix rule.
/// </summary>
internal static partial class PythonHtml
{
    private static readonly Lazy<FrozenDictionary<string, string>> Html5 = new(LoadHtml5);

    /// <summary>The HTML5 named character references, keyed without '&amp;' (e.g. "amp;", "amp", "NotEqualTilde;").</summary>
    public static FrozenDictionary<string, string> Entities => Html5.Value;

    // html/__init__.py: &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)
    [GeneratedRegex(@"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex CharRef();

    /// <summary>Python 3.11 <c>html.unescape(s)</c>.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('&')) return s;
        return CharRef().Replace(s, m => ReplaceCharRef(m.Groups[1].Value));
    }

    private static string ReplaceCharRef(string s)
    {
        if (s[0] == '#')
        {
            var hex = s.Length > 1 && (s[1] == 'x' || s[1] == 'X');
            var digits = (hex ? s[2..] : s[1..]).TrimEnd(';');
            var ok = hex
                ? long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var num)
                : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out num);
            if (!ok) return "\uFFFD";                                    // longer than a long: far above U+10FFFF
            if (num == 0x00) return "\uFFFD";
            if (num == 0x0D) return "\r";
            if (num is >= 0x80 and <= 0x9F) return Windows1252.Decode((byte)num).ToString();
            if (num is >= 0xD800 and <= 0xDFFF || num > 0x10FFFF) return "\uFFFD";
            if (IsInvalidCodePoint(num)) return "";
            return char.ConvertFromUtf32((int)num);
        }

        var table = Html5.Value;
        if (table.TryGetValue(s, out var value)) return value;
        for (var x = s.Length - 1; x > 1; x--)
        {
            if (table.TryGetValue(s[..x], out value)) return value + s[x..];
        }
        return "&" + s;
    }

    private static bool IsInvalidCodePoint(long cp) =>
        cp is >= 0x1 and <= 0x8 or >= 0xE and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF or 0xB
        || (cp & 0xFFFE) == 0xFFFE;                                      // U+xFFFE and U+xFFFF of every plane

    private static FrozenDictionary<string, string> LoadHtml5() =>
        TextTables.Load("html5_entities.txt").ToFrozenDictionary(StringComparer.Ordinal);
}
