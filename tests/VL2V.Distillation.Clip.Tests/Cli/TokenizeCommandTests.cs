using System.Text.Json;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v tokenize</c> reproduces <c>clip.tokenize(truncate=True)</c> on the shared tokenizer cases.</summary>
public sealed class TokenizeCommandTests
{
    private static readonly string Vocabulary = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz");

    private static List<(string Text, long[] Ids, bool Truncated)> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedFolder.Get("fixtures", "tokenizer", "clip_tokenizer_cases.json")));
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!,
                          c.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt64()).ToArray(),
                          c.GetProperty("truncated").GetBoolean()))];
    }

    private static long[][] ReadRows(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.EnumerateArray().Select(r => r.EnumerateArray().Select(i => i.GetInt64()).ToArray())];
    }

    [Fact]
    public void Tokenize_EveryTenthFixtureCaseAndTheLongOnes_MatchClipTokenize()
    {
        var cases = Cases();
        var chosen = cases.Where((c, i) => i % 10 == 0 || c.Truncated).ToList();
        chosen.Count(c => c.Truncated).Should().BeGreaterThan(0);
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("texts.json"), JsonSerializer.Serialize(chosen.Select(c => c.Text)));

        var run = CliRun.Of("tokenize", "--vocab", Vocabulary, "--truncate", "--texts-json", temp.File("texts.json"), "--out", temp.File("ids.json"));

        run.ExitCode.Should().Be(0, run.Error);
        var rows = ReadRows(temp.File("ids.json"));
        rows.Should().HaveCount(chosen.Count);
        for (int i = 0; i < chosen.Count; i++) rows[i].Should().Equal(chosen[i].Ids, $"ids of {JsonSerializer.Serialize(chosen[i].Text)}");
    }

    [Fact]
    public void Tokenize_HfPaddingAndShortContext_FillWithEndOfText()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("texts.json"), "[\"a photo of a dog.\"]");
        var reference = Cases().Single(c => c.Text == "a photo of a dog.").Ids;

        var run = CliRun.Of("tokenize", "--vocab", Vocabulary, "--context-length", "12", "--pad", "hf", "--texts-json", temp.File("texts.json"), "--out", temp.File("ids.json"));

        run.ExitCode.Should().Be(0, run.Error);
        var row = ReadRows(temp.File("ids.json")).Single();
        int eot = Array.IndexOf(reference, 49407L);
        row.Should().HaveCount(12);
        row[..(eot + 1)].Should().Equal(reference[..(eot + 1)]);
        row[(eot + 1)..].Should().OnlyContain(id => id == 49407);
    }

    [Fact]
    public void Tokenize_LongTextWithoutTruncate_FailsInOneLineNamingTheText()
    {
        using var temp = new TempFolder();
        var longText = Cases().First(c => c.Truncated).Text;
        File.WriteAllText(temp.File("texts.json"), JsonSerializer.Serialize(new[] { "short", longText }));

        CliRun.Of("tokenize", "--vocab", Vocabulary, "--texts-json", temp.File("texts.json"), "--out", temp.File("ids.json"))
              .ShouldFailWithOneLine("text 1", "--truncate");
        File.Exists(temp.File("ids.json")).Should().BeFalse();
    }
}
