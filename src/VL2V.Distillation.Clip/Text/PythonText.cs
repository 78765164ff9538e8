using System.Globalization;
using System.Text;

namespace VL2V.Distillation.Clip.Text;

/// <summary>Python <c>str</c> semantics that .NET does not share and CLIP's cleaning depends on.</summary>
internal static class PythonText
{
    /// <summary>
    /// <c>str.isspace()</c> for one UTF-16 unit: .NET's white space plus the information separators U+001C–U+001F,
    /// which Python counts as spaces (bidirectional class B/S).
    /// </summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary><c>str.strip()</c>.</summary>
    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return start == 0 && end == s.Length ? s : s[start..end];
    }

    /// <summary>
    /// <c>str.lower()</c>: the full Unicode lower-case mapping. Beyond .NET's invariant simple mapping this means
    /// U+0130 'İ' → "i̇" (two code points) and the final-sigma rule (Σ → ς at the end of a word).
    /// </summary>
    public static string Lower(string s)
    {
        var lowered = s.ToLowerInvariant();
        if (s.IndexOf('\u0130') < 0 && s.IndexOf('\u03A3') < 0) return lowered;

        var sb = new StringBuilder(s.Length + 4);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\u0130') sb.Append("i\u0307");
            else if (c == '\u03A3') sb.Append(IsFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            else sb.Append(lowered[i]);                                  // invariant lowering keeps the length
        }
        return sb.ToString();
    }

    // Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable characters) and none after.
    private static bool IsFinalSigma(string s, int index)
    {
        var j = index - 1;
        while (j >= 0 && IsCaseIgnorable(s, j)) j--;
        if (j < 0 || !IsCased(s, j)) return false;
        var k = index + 1;
        while (k < s.Length && IsCaseIgnorable(s, k)) k++;
        return k >= s.Length || !IsCased(s, k);
    }

    private static bool IsCased(string s, int i) =>
        CharUnicodeInfo.GetUnicodeCategory(s, i) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(string s, int i) =>
        s[i] is '\'' or '.' or ':' or '^' or '`' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\u2027'
        || char.IsLowSurrogate(s[i])
        || CharUnicodeInfo.GetUnicodeCategory(s, i) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
