using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// The Unicode repairs of <c>ftfy.fix_text</c> (ftfy 6.3, default configuration) that openai/CLIP runs before BPE,
/// re-implemented from ftfy's documented behaviour and data tables:
/// per line, repeated until nothing changes: HTML entity decoding (only for lines without '&lt;', and once a line
/// has one, for the rest of the text), mojibake repair, C1 controls read as windows-1252, Latin ligatures and
/// digraphs split, full/half-width forms to normal width, curly quotes to straight ones, line breaks to '\n',
/// lone surrogates to U+FFFD, ANSI terminal escapes removed, invisible control characters removed, then NFC.
/// </summary>
/// <remarks>
/// Mojibake repair is a subset of ftfy's: text is re-encoded as Latin-1 or as sloppy windows-1252 and kept when
/// the bytes form valid UTF-8 with at least one multi-byte sequence (UTF-8 read as one of those two code pages,
/// by far the most common case: <c>cafÃ©</c> → <c>café</c>, <c>â€œ</c> → <c>“</c>). ftfy additionally
/// gates this on its statistical "badness" heuristic and also tries windows-1250/1251/1253/1254/1257,
/// ISO-8859-2, MacRoman and CP437, restores 0xA0 bytes turned into spaces and decodes mixed UTF-8 fragments
/// (<c>decode_inconsistent_utf8</c>); those rarer repairs are not reproduced. Without the heuristic gate, a text
/// whose only non-ASCII characters happen to form valid UTF-8 when read as windows-1252 (e.g. German <c>groß“</c>,
/// bytes DF 93) is "repaired" where ftfy might leave it alone; in English captions such pairs do not occur.
/// </remarks>
internal static partial class TextRepair
{
    private const int MaxSegmentLength = 1_000_000;                     // ftfy's max_decode_length

    private static readonly FrozenDictionary<char, string> Ligatures = new Dictionary<char, string>
    {
        ['\u0132'] = "IJ", ['\u0133'] = "ij", ['\u0149'] = "\u02BCn",
        ['\u01F1'] = "DZ", ['\u01F2'] = "Dz", ['\u01F3'] = "dz",
        ['\u01C4'] = "D\u017D", ['\u01C5'] = "D\u017E", ['\u01C6'] = "d\u017E",
        ['\u01C7'] = "LJ", ['\u01C8'] = "Lj", ['\u01C9'] = "lj",
        ['\u01CA'] = "NJ", ['\u01CB'] = "Nj", ['\u01CC'] = "nj",
        ['\uFB00'] = "ff", ['\uFB01'] = "fi", ['\uFB02'] = "fl", ['\uFB03'] = "ffi", ['\uFB04'] = "ffl",
        ['\uFB05'] = "\u017Ft", ['\uFB06'] = "st",
    }.ToFrozenDictionary();

    private static readonly Lazy<FrozenDictionary<char, string>> WidthMap = new(BuildWidthMap);
    private static readonly Lazy<FrozenDictionary<string, string>> FtfyEntities = new(BuildFtfyEntities);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex(@"&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlEntity();

    [GeneratedRegex(@"\x1B\[((?:\d|;)*)([a-zA-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex AnsiEscape();

    /// <summary><c>ftfy.fix_text(text)</c> with the default configuration, within the limits in the remarks.</summary>
    public static string FixText(string text)
    {
        var output = new StringBuilder(text.Length);
        var unescapeHtml = true;
        var pos = 0;
        while (pos < text.Length)
        {
            var lineEnd = text.IndexOf('\n', pos) + 1;
            if (lineEnd == 0) lineEnd = text.Length;
            if (lineEnd - pos > MaxSegmentLength) lineEnd = pos + MaxSegmentLength;
            var segment = text[pos..lineEnd];
            if (unescapeHtml && segment.Contains('<')) unescapeHtml = false;   // ftfy keeps this for later lines too
            output.Append(FixSegment(segment, unescapeHtml));
            pos = lineEnd;
        }
        return output.ToString();
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            var original = text;
            if (unescapeHtml) text = UnescapeHtml(text);
            text = FixEncoding(text);
            text = FixC1Controls(text);
            text = Translate(text, Ligatures);
            text = Translate(text, WidthMap.Value);
            text = UncurlQuotes(text);
            text = FixLineBreaks(text);
            text = FixSurrogates(text);
            text = AnsiEscape().Replace(text, "");
            text = RemoveControlChars(text);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == original) return text;
        }
    }

    /// <summary>ftfy's own entity step: whole <c>&amp;name;</c> / <c>&amp;#n;</c> tokens only, plus upper-cased names.</summary>
    private static string UnescapeHtml(string text)
    {
        if (!text.Contains('&')) return text;
        return HtmlEntity().Replace(text, m =>
        {
            var entity = m.Value;
            if (FtfyEntities.Value.TryGetValue(entity, out var value)) return value;
            if (entity.StartsWith("&#", StringComparison.Ordinal))
            {
                var unescaped = PythonHtml.Unescape(entity);
                return unescaped.Contains(';') ? entity : unescaped;
            }
            return entity;
        });
    }

    private static FrozenDictionary<string, string> BuildFtfyEntities()
    {
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in PythonHtml.Entities)
        {
            if (!name.EndsWith(';')) continue;
            entities["&" + name] = value;
            if (name == name.ToLowerInvariant())
            {
                var upper = "&" + name.ToUpperInvariant();
                if (PythonHtml.Unescape(upper) == upper) entities[upper] = value.ToUpperInvariant();
            }
        }
        return entities.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string FixEncoding(string text)
    {
        while (true)
        {
            var fixedText = FixEncodingOneStep(text);
            if (fixedText == text) return text;
            text = fixedText;
        }
    }

    private static string FixEncodingOneStep(string text)
    {
        if (text.Length == 0 || text.All(c => c < 0x80)) return text;
        foreach (var sloppy1252 in (ReadOnlySpan<bool>)[false, true])
        {
            var bytes = new byte[text.Length];
            var encodable = true;
            for (var i = 0; i < text.Length && encodable; i++)
            {
                var c = text[i];
                if (!sloppy1252)
                {
                    encodable = c <= 0xFF;
                    bytes[i] = (byte)c;
                }
                else
                {
                    encodable = Windows1252.TryEncode(c, out bytes[i]);
                }
            }
            if (!encodable) continue;
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                // not UTF-8 read as this code page: try the next one
            }
        }
        return text;
    }

    private static string FixC1Controls(string text)
    {
        if (!text.Any(c => c is >= '\u0080' and <= '\u009F')) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '\u0080' and <= '\u009F') chars[i] = Windows1252.Decode((byte)chars[i]);
        }
        return new string(chars);
    }

    private static string Translate(string text, FrozenDictionary<char, string> map)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (map.TryGetValue(text[i], out var replacement))
            {
                sb ??= new StringBuilder(text, 0, i, text.Length + 8);
                sb.Append(replacement);
            }
            else
            {
                sb?.Append(text[i]);
            }
        }
        return sb?.ToString() ?? text;
    }

    // ftfy's WIDTH_MAP (U+3000 and the NFKC forms of U+FF01..U+FFEF), generated with Python's Unicode database.
    private static FrozenDictionary<char, string> BuildWidthMap() =>
        TextTables.Load("width_map.txt").ToFrozenDictionary(
            e => (char)int.Parse(e.Key, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture),
            e => e.Value);

    private static string UncurlQuotes(string text)
    {
        if (!text.Any(c => c is '\u02BC' or >= '\u2018' and <= '\u201F')) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '\u02BC' or >= '\u2018' and <= '\u201B' => '\'',
                >= '\u201C' and <= '\u201F' => '"',
                var c => c,
            };
        }
        return new string(chars);
    }

    private static string FixLineBreaks(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');

    private static string FixSurrogates(string text)
    {
        char[]? chars = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(text[i]))
            {
                chars ??= text.ToCharArray();
                chars[i] = '\uFFFD';
            }
        }
        return chars is null ? text : new string(chars);
    }

    private static bool IsRemovedControl(char c) =>
        c is <= '\u0008' or '\u000B' or >= '\u000E' and <= '\u001F' or '\u007F'
            or >= '\u206A' and <= '\u206F' or '\uFEFF' or >= '\uFFF9' and <= '\uFFFC';

    private static string RemoveControlChars(string text)
    {
        if (!text.Any(IsRemovedControl)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsRemovedControl(c)) sb.Append(c);
        }
        return sb.ToString();
    }
}
