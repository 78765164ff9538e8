using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>
/// Every case of the reference file, compared field by field with openai/CLIP's outputs (ftfy included):
/// the cleaned text, the words of the split pattern, the raw BPE ids, the 77-id row, the pooled EOT position and
/// the decoded text, for the openai .gz vocabulary and the Hugging Face pair.
/// </summary>
public sealed class ClipTokenizerParityTests(ClipTokenizerFixture tokenizers) : IClassFixture<ClipTokenizerFixture>
{
    public static TheoryData<int> CaseIds() => TokenizerCases.Ids();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Clean_ReferenceCase_MatchesOpenAIClean(int id)
    {
        var c = TokenizerCases.ById[id];
        ClipTokenizer.Clean(c.Text).Should().Be(c.Cleaned, $"case {id} ({c.Category}) '{c.Text}'");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Split_ReferenceCase_MatchesRegexFindall(int id)
    {
        var c = TokenizerCases.ById[id];
        var words = ClipPreTokenizer.Split(c.Cleaned).Select(w => c.Cleaned.Substring(w.Offset, w.Length));
        words.Should().Equal(c.Words, $"case {id} ({c.Category})");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void EncodeBpe_OpenAIVocabulary_MatchesSimpleTokenizerEncode(int id)
    {
        var c = TokenizerCases.ById[id];
        tokenizers.OpenAI.EncodeBpe(c.Text).Should().Equal(c.BpeIds, $"case {id} ({c.Category}) '{c.Text}'");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Encode_BothVocabularies_MatchClipTokenizeRow(int id)
    {
        var c = TokenizerCases.ById[id];
        tokenizers.OpenAI.Encode(c.Text).Should().Equal(c.InputIds, $"case {id} (openai .gz)");
        tokenizers.HuggingFace.Encode(c.Text).Should().Equal(c.InputIds, $"case {id} (vocab.json + merges.txt)");
        tokenizers.OpenAI.CountTokens(c.Text).Should().Be(c.NumTokens);
        Array.IndexOf(c.InputIds, c.InputIds.Max()).Should().Be(c.EotIndex, "the pooled position is the first maximum");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Decode_ReferenceBpeIds_MatchesSimpleTokenizerDecode(int id)
    {
        var c = TokenizerCases.ById[id];
        tokenizers.OpenAI.Decode(c.BpeIds).Should().Be(c.Decoded, $"case {id} ({c.Category})");
    }
}
