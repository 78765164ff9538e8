using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>
/// <c>html.unescape</c> corner cases beyond the tokenizer fixture; expected values printed by Python 3.11.2
/// (<c>python3 -c "import html; print(repr(html.unescape(s)))"</c>).
/// </summary>
public sealed class PythonHtmlTests
{
    [Theory]
    [InlineData("&#128;", "\u20AC")]                 // windows-1252 remapping of 0x80-0x9F
    [InlineData("&#x9D;", "\u009D")]                 // undefined in windows-1252: kept as the C1 control
    [InlineData("&#0;", "\uFFFD")]
    [InlineData("&#13;", "\r")]
    [InlineData("&#xD800;", "\uFFFD")]               // surrogate
    [InlineData("&#x110000;", "\uFFFD")]             // beyond Unicode
    [InlineData("&#99999999999999999999;", "\uFFFD")]
    [InlineData("&#1;", "")]                         // HTML5 invalid code point
    [InlineData("&#65", "A")]                        // no ';'
    [InlineData("&#x41x", "Ax")]
    [InlineData("&amp", "&")]                        // legacy name without ';'
    [InlineData("&ampx", "&x")]                      // longest known prefix
    [InlineData("&notin;", "\u2209")]
    [InlineData("&notit;", "\u00ACit;")]
    [InlineData("&AMP;", "&")]
    [InlineData("&Amp;", "&Amp;")]                   // names are case-sensitive
    [InlineData("&lt&gt", "<>")]
    public void Unescape_MatchesPython(string input, string expected) =>
        PythonHtml.Unescape(input).Should().Be(expected);

    [Fact]
    public void Entities_HoldTheWhatwgTable() =>
        PythonHtml.Entities.Should().HaveCount(2231).And.ContainKey("NotEqualTilde;").And.ContainKey("amp");
}
