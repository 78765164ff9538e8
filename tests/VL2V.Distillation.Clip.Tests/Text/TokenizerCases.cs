using System.Text.Json;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>The 239 reference cases of shared/fixtures/tokenizer/clip_tokenizer_cases.json (openai/CLIP + ftfy 6.3.1).</summary>
internal static class TokenizerCases
{
    public sealed record Case(
        int Id, string Category, string Text, string Cleaned, string[] Words, int[] BpeIds, int[] InputIds,
        int NumTokens, bool Truncated, int EotIndex, string Decoded, bool FtfyChanged, bool HtmlUnescapeMatters);

    private static readonly Lazy<IReadOnlyDictionary<int, Case>> All = new(Load);

    public static IReadOnlyDictionary<int, Case> ById => All.Value;

    /// <summary>Every case id, for [MemberData].</summary>
    public static TheoryData<int> Ids()
    {
        var data = new TheoryData<int>();
        foreach (var id in ById.Keys.Order()) data.Add(id);
        return data;
    }

    private static IReadOnlyDictionary<int, Case> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedFolder.Get("fixtures", "tokenizer", "clip_tokenizer_cases.json")));
        var root = doc.RootElement;
        root.GetProperty("sot_token").GetInt32().Should().Be(49406);
        root.GetProperty("eot_token").GetInt32().Should().Be(49407);
        root.GetProperty("pad_token").GetInt32().Should().Be(0);
        root.GetProperty("context_length").GetInt32().Should().Be(77);
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("id").GetInt32(),
            c.GetProperty("category").GetString()!,
            c.GetProperty("text").GetString()!,
            c.GetProperty("cleaned").GetString()!,
            [.. c.GetProperty("words").EnumerateArray().Select(w => w.GetString()!)],
            [.. c.GetProperty("bpe_ids").EnumerateArray().Select(w => w.GetInt32())],
            [.. c.GetProperty("input_ids").EnumerateArray().Select(w => w.GetInt32())],
            c.GetProperty("num_tokens").GetInt32(),
            c.GetProperty("truncated").GetBoolean(),
            c.GetProperty("eot_index").GetInt32(),
            c.GetProperty("decoded").GetString()!,
            c.GetProperty("ftfy_changed").GetBoolean(),
            c.GetProperty("html_unescape_matters").GetBoolean())).ToList();
        cases.Should().HaveCount(root.GetProperty("num_cases").GetInt32());
        return cases.ToDictionary(c => c.Id);
    }
}
