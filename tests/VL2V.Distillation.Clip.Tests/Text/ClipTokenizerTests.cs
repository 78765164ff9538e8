using System.IO.Compression;
using System.Text;
using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>Rows, padding, truncation, tensors, decoding and vocabulary-file errors.</summary>
public sealed class ClipTokenizerTests(ClipTokenizerFixture tokenizers) : IClassFixture<ClipTokenizerFixture>, IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("clip-tokenizer-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Vocab(string file) => SharedFolder.Get("clip", file);

    private static TokenizerCases.Case LongCase => TokenizerCases.ById.Values.First(c => c.Truncated);

    [Fact]
    public void Vocabulary_BothForms_HaveClipSizesAndSpecialIds()
    {
        foreach (var tokenizer in new[] { tokenizers.OpenAI, tokenizers.HuggingFace })
        {
            tokenizer.VocabularySize.Should().Be(49408);
            tokenizer.StartOfTextId.Should().Be(49406);
            tokenizer.EndOfTextId.Should().Be(49407);
        }
    }

    [Fact]
    public void Tokenize_Batch_IsInt64RowsOfClipTokenize()
    {
        var cases = TokenizerCases.ById.Values.Take(5).Append(LongCase).ToArray();

        using var ids = tokenizers.OpenAI.Tokenize(cases.Select(c => c.Text).ToArray());

        ids.shape.Should().Equal(cases.Length, 77);
        ids.dtype.Should().Be(ScalarType.Int64);
        for (var i = 0; i < cases.Length; i++)
        {
            ids[i].data<long>().ToArray().Should().Equal(cases[i].InputIds.Select(x => (long)x));
        }
    }

    [Fact]
    public void Encode_TooLongWithoutTruncation_ThrowsWithTheTokenCount()
    {
        var tokenizer = ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), Vocab("merges.txt"));
        var c = LongCase;

        tokenizer.Options.Truncate.Should().BeFalse("clip.tokenize defaults to truncate=False");
        FluentActions.Invoking(() => tokenizer.Encode(c.Text)).Should().Throw<ArgumentException>()
            .WithMessage($"The text '*' needs {c.NumTokens} tokens (with <|startoftext|> and <|endoftext|>), more than the context length 77.*Truncate = true*");
    }

    [Fact]
    public void Encode_EndOfTextPadding_PadsWith49407AndKeepsThePooledPosition()
    {
        var tokenizer = ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), Vocab("merges.txt"),
            new ClipTokenizerOptions { Padding = ClipPadding.EndOfText, ContextLength = 12 });
        var c = TokenizerCases.ById[0];                                   // "a photo of a dog."

        var row = tokenizer.Encode(c.Text);

        tokenizer.PadId.Should().Be(49407);
        row.Should().Equal([.. c.InputIds.Take(8), 49407, 49407, 49407, 49407]);
        Array.IndexOf(row, row.Max()).Should().Be(c.EotIndex);
    }

    [Fact]
    public void Encode_ShortContextWithTruncation_EndsWithEndOfText()
    {
        var tokenizer = ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), Vocab("merges.txt"),
            new ClipTokenizerOptions { Truncate = true, ContextLength = 5 });
        var c = TokenizerCases.ById[0];

        tokenizer.Encode(c.Text).Should().Equal(49406, c.BpeIds[0], c.BpeIds[1], c.BpeIds[2], 49407);
    }

    [Fact]
    public void Decode_RoundTrip_GivesTheCleanedWordsWithSpaces()
    {
        var ids = tokenizers.OpenAI.Encode("A Photo of a DOG.");

        tokenizers.OpenAI.Decode(ids[1..7]).Should().Be("a photo of a dog . ");
        tokenizers.OpenAI.Decode(ids[..8]).Should().Be("<|startoftext|>a photo of a dog . <|endoftext|>");
        FluentActions.Invoking(() => tokenizers.OpenAI.Decode([49408])).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Token id 49408 is outside the vocabulary (0..49407).*");
    }

    [Fact]
    public void Options_Invalid_ThrowNamingTheOption()
    {
        FluentActions.Invoking(() => ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), Vocab("merges.txt"), new ClipTokenizerOptions { ContextLength = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("ClipTokenizerOptions.ContextLength must be at least 2*was 1.*");
    }

    [Fact]
    public void Load_MissingFiles_ThrowFileNotFoundNamingThePath()
    {
        var missing = Path.Combine(_temp, "nope.txt.gz");
        FluentActions.Invoking(() => ClipTokenizer.FromOpenAIVocabulary(missing)).Should().Throw<FileNotFoundException>()
            .WithMessage($"The file '{missing}' (the openai/CLIP BPE vocabulary*) does not exist.*");
        FluentActions.Invoking(() => ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), missing)).Should().Throw<FileNotFoundException>()
            .WithMessage($"The file '{missing}' (the CLIP merges 'merges.txt') does not exist.*");
    }

    [Fact]
    public void Load_NotGzip_ThrowsInvalidDataNamingTheFile()
    {
        var path = Path.Combine(_temp, "plain.txt.gz");
        File.WriteAllText(path, "not compressed");

        FluentActions.Invoking(() => ClipTokenizer.FromOpenAIVocabulary(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"The CLIP vocabulary '{path}' could not be read as gzip-compressed UTF-8 text*");
    }

    [Fact]
    public void Load_TruncatedGzip_ThrowsInvalidDataWithTheLineCount()
    {
        var path = Path.Combine(_temp, "short.txt.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes("\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\nt h\n"));
        }

        FluentActions.Invoking(() => ClipTokenizer.FromOpenAIVocabulary(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"The CLIP vocabulary '{path}' has 4 lines; openai/CLIP reads 48894 merge lines*");
    }

    [Fact]
    public void Load_MalformedMergeLineOrBadJson_ThrowsInvalidDataWithLocation()
    {
        var merges = Path.Combine(_temp, "merges.txt");
        File.WriteAllText(merges, "#version: 0.2\ni n\nthree parts here\n");
        FluentActions.Invoking(() => ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), merges)).Should().Throw<InvalidDataException>()
            .WithMessage($"Line 3 of the CLIP merges in '{merges}' should be two symbols separated by a space, but is 'three parts here'.");

        var vocab = Path.Combine(_temp, "vocab.json");
        File.WriteAllText(vocab, "[1, 2]");
        FluentActions.Invoking(() => ClipTokenizer.FromHuggingFaceFiles(vocab, Vocab("merges.txt"))).Should().Throw<InvalidDataException>()
            .WithMessage($"The CLIP vocabulary '{vocab}' is not a JSON object of token → id*");
    }

    [Fact]
    public void Load_MergesFromAnotherVocabulary_ThrowsInvalidData()
    {
        var merges = Path.Combine(_temp, "foreign-merges.txt");
        File.WriteAllText(merges, "#version: 0.2\nq z\n");

        FluentActions.Invoking(() => ClipTokenizer.FromHuggingFaceFiles(Vocab("vocab.json"), merges)).Should().Throw<InvalidDataException>()
            .WithMessage("The merge 'q z' in '*' makes 'qz', which the vocabulary does not contain*");
    }
}
