using System.Text.RegularExpressions;

namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// openai/CLIP's text cleaning before BPE: <c>whitespace_clean(basic_clean(text)).lower()</c>, where
/// <c>basic_clean</c> = <c>ftfy.fix_text</c> (see <see cref="TextRepair"/>), <c>html.unescape</c> twice, strip, and
/// <c>whitespace_clean</c> collapses every run of white space to one space and strips.
/// </summary>
internal static partial class ClipTextCleaner
{
    // The 'regex' module's \s in Unicode mode is White_Space, the same set as .NET's \s.
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhiteSpaceRun();

    /// <summary>The text as CLIP's split regex sees it.</summary>
    public static string Clean(string text)
    {
        var s = TextRepair.FixText(text);
        s = PythonHtml.Unescape(PythonHtml.Unescape(s));
        s = PythonText.Strip(s);
        s = PythonText.Strip(WhiteSpaceRun().Replace(s, " "));
        return PythonText.Lower(s);
    }
}
