using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// CLIP's split pattern <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (IGNORECASE), evaluated like <c>regex.findall</c>: at each position the first alternative that matches wins,
/// white space that matches none is skipped. Written as a scanner over code points because .NET's Regex tests
/// <c>\p{L}</c> on UTF-16 units, which would split letters outside the BMP (CJK extension B, math letters) that
/// Python's <c>regex</c> keeps in one word.
/// </summary>
internal sealed class ClipPreTokenizer : PreTokenizer
{
    private static readonly string[] Specials = ["<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    /// <summary>The (offset, length) of every word, in order.</summary>
    public static List<(int Offset, int Length)> Split(string text)
    {
        var words = new List<(int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            var length = MatchAt(text, i);
            if (length > 0)
            {
                words.Add((i, length));
                i += length;
            }
            else
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;                // white space matches nothing
            }
        }
        return words;
    }

    private static int MatchAt(string text, int i)
    {
        var rest = text.AsSpan(i);
        foreach (var special in Specials)
        {
            if (rest.StartsWith(special, StringComparison.OrdinalIgnoreCase)) return special.Length;
        }
        if (text[i] == '\'')
        {
            foreach (var contraction in Contractions)
            {
                if (MatchesIgnoreCase(rest, contraction)) return contraction.Length;
            }
        }

        var first = Classify(text, i);
        if (first == Kind.Letter) return RunLength(text, i, Kind.Letter);
        if (first == Kind.Number) return char.IsSurrogatePair(text, i) ? 2 : 1;
        if (first == Kind.Other) return RunLength(text, i, Kind.Other);
        return 0;
    }

    private static bool MatchesIgnoreCase(ReadOnlySpan<char> rest, string pattern)
    {
        if (rest.Length < pattern.Length) return false;
        for (var k = 0; k < pattern.Length; k++)
        {
            var c = rest[k];
            var p = pattern[k];
            if (c == p || char.ToLowerInvariant(c) == p) continue;
            if (p == 's' && c == '\u017F') continue;                      // 'ſ' case-folds to 's'
            return false;
        }
        return true;
    }

    private static int RunLength(string text, int start, Kind kind)
    {
        var i = start;
        while (i < text.Length && Classify(text, i) == kind) i += char.IsSurrogatePair(text, i) ? 2 : 1;
        return i - start;
    }

    private enum Kind { Space, Letter, Number, Other }

    private static Kind Classify(string text, int i)
    {
        if (!Rune.TryGetRuneAt(text, i, out var rune)) return Kind.Other;   // a lone surrogate is neither L nor N
        if (Rune.IsWhiteSpace(rune)) return Kind.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
