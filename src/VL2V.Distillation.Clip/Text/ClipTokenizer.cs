using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// The CLIP byte-level BPE tokenizer (openai/CLIP <c>SimpleTokenizer</c> + <c>clip.tokenize</c>), on top of
/// Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>. Text is cleaned as openai/CLIP does (ftfy repairs,
/// <c>html.unescape</c> twice, white space collapsed, Python lower-casing), split with CLIP's pattern, and encoded
/// with the 48,894 merges of CLIP's vocabulary (49,408 ids; <c>&lt;|startoftext|&gt;</c> = 49406,
/// <c>&lt;|endoftext|&gt;</c> = 49407).
/// </summary>
/// <remarks>
/// The vocabulary is openai's (MIT licence) and is never bundled or downloaded: load it from a path with
/// <see cref="FromOpenAIVocabulary"/> (<c>bpe_simple_vocab_16e6.txt.gz</c>) or <see cref="FromHuggingFaceFiles"/>
/// (<c>vocab.json</c> + <c>merges.txt</c>). Settings and vocabulary never change after loading.
/// Cleaning reproduces ftfy's repairs except its rarer mojibake heuristics (see <c>TextRepair</c> in the source).
/// Its final NFC step uses the platform's ICU library: under .NET's globalization-invariant mode
/// (<c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1</c>) strings cannot be normalised, so text with decomposed accents
/// (e.g. "e" + U+0301) then tokenizes differently from openai/CLIP.
/// </remarks>
public sealed class ClipTokenizer
{
    /// <summary>Number of merges openai/CLIP reads from its vocabulary file: <c>merges[1 : 49152-256-2+1]</c>.</summary>
    public const int MergeCount = 49152 - 256 - 2;

    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";
    private const string EndOfWord = "</w>";

    private readonly BpeTokenizer _bpe;
    private readonly string[] _idToToken;
    private readonly Dictionary<char, byte> _byteDecoder;

    private ClipTokenizer(BpeTokenizer bpe, string[] idToToken, int startOfTextId, int endOfTextId, ClipTokenizerOptions options)
    {
        _bpe = bpe;
        _idToToken = idToToken;
        _byteDecoder = ClipByteEncoder.Symbols.ToDictionary(s => s.Symbol, s => s.Byte);
        StartOfTextId = startOfTextId;
        EndOfTextId = endOfTextId;
        Options = options;
    }

    /// <summary>How rows are built (context length, truncation, padding).</summary>
    public ClipTokenizerOptions Options { get; }

    /// <summary>Number of ids in the vocabulary (49,408 for CLIP).</summary>
    public int VocabularySize => _idToToken.Length;

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 for CLIP).</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 for CLIP); CLIP pools the text at its (first maximal) position.</summary>
    public int EndOfTextId { get; }

    /// <summary>Id written after the end-of-text token: 0 or <see cref="EndOfTextId"/>, per <see cref="ClipTokenizerOptions.Padding"/>.</summary>
    public int PadId => Options.Padding == ClipPadding.Zero ? 0 : EndOfTextId;

    /// <summary>The underlying Microsoft.ML.Tokenizers BPE model with CLIP's normalizer and pre-tokenizer.</summary>
    public Tokenizer Bpe => _bpe;

    /// <summary>Loads openai/CLIP's <c>bpe_simple_vocab_16e6.txt.gz</c> and builds the vocabulary in openai's order.</summary>
    /// <param name="path">Path of the gzip file (e.g. from the openai/CLIP repository, <c>clip/</c> folder).</param>
    /// <param name="options">Row options; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip, not UTF-8, or has too few or malformed merge lines.</exception>
    public static ClipTokenizer FromOpenAIVocabulary(string path, ClipTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireFile(path, "the openai/CLIP BPE vocabulary 'bpe_simple_vocab_16e6.txt.gz'");

        string text;
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, new UTF8Encoding(false, throwOnInvalidBytes: true));
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            throw new InvalidDataException(
                $"The CLIP vocabulary '{path}' could not be read as gzip-compressed UTF-8 text ({e.Message}). Pass openai/CLIP's 'bpe_simple_vocab_16e6.txt.gz' unmodified, or use FromHuggingFaceFiles for a vocab.json + merges.txt pair.", e);
        }

        var lines = text.Split('\n');
        if (lines.Length < MergeCount + 1)
        {
            throw new InvalidDataException(
                $"The CLIP vocabulary '{path}' has {lines.Length} lines; openai/CLIP reads {MergeCount} merge lines after a header line. The file is truncated or not a CLIP BPE vocabulary.");
        }
        var merges = new List<(string Left, string Right)>(MergeCount);
        for (var i = 1; i <= MergeCount; i++) merges.Add(ParseMerge(lines[i], path, i + 1));

        var vocab = new List<string>(2 * 256 + MergeCount + 2);
        vocab.AddRange(ClipByteEncoder.Symbols.Select(s => s.Symbol.ToString()));
        vocab.AddRange(ClipByteEncoder.Symbols.Select(s => s.Symbol + EndOfWord));
        vocab.AddRange(merges.Select(m => m.Left + m.Right));
        vocab.Add(StartOfText);
        vocab.Add(EndOfText);
        return Create([.. vocab], merges, path, options);
    }

    /// <summary>
    /// Loads a Hugging Face pair: <c>vocab.json</c> (token → id) and <c>merges.txt</c> (a <c>#version</c> header line,
    /// then one <c>left right</c> merge per line in rank order). Like transformers' <c>CLIPTokenizer</c>, at most
    /// <see cref="MergeCount"/> merges after the header are read.
    /// </summary>
    /// <param name="vocabJsonPath">Path of <c>vocab.json</c>.</param>
    /// <param name="mergesPath">Path of <c>merges.txt</c>.</param>
    /// <param name="options">Row options; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the ids are not 0..N-1 without gaps.</exception>
    public static ClipTokenizer FromHuggingFaceFiles(string vocabJsonPath, string mergesPath, ClipTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        RequireFile(vocabJsonPath, "the CLIP vocabulary 'vocab.json'");
        RequireFile(mergesPath, "the CLIP merges 'merges.txt'");

        Dictionary<string, int> map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(vocabJsonPath))
                ?? throw new InvalidDataException("the JSON value is null");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"The CLIP vocabulary '{vocabJsonPath}' is not a JSON object of token → id ({e.Message}).", e);
        }
        var idToToken = new string[map.Count];
        foreach (var (token, id) in map)
        {
            if (id < 0 || id >= map.Count || idToToken[id] is not null)
            {
                throw new InvalidDataException(
                    $"The CLIP vocabulary '{vocabJsonPath}' maps '{token}' to id {id}; ids must be 0..{map.Count - 1}, each used once.");
            }
            idToToken[id] = token;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllText(mergesPath, new UTF8Encoding(false, throwOnInvalidBytes: true)).Trim().Split('\n');
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"The CLIP merges file '{mergesPath}' is not UTF-8 text ({e.Message}).", e);
        }
        var merges = new List<(string Left, string Right)>();
        for (var i = 1; i < lines.Length && merges.Count < MergeCount; i++) merges.Add(ParseMerge(lines[i], mergesPath, i + 1));
        return Create(idToToken, merges, mergesPath, options);
    }

    private static ClipTokenizer Create(string[] idToToken, List<(string Left, string Right)> merges, string source, ClipTokenizerOptions? options)
    {
        options ??= new ClipTokenizerOptions();
        options.Validate();

        var vocab = new Dictionary<string, int>(idToToken.Length, StringComparer.Ordinal);
        for (var id = 0; id < idToToken.Length; id++)
        {
            if (!vocab.TryAdd(idToToken[id], id))
            {
                throw new InvalidDataException($"The CLIP vocabulary from '{source}' lists the token '{idToToken[id]}' twice (ids {vocab[idToToken[id]]} and {id}).");
            }
        }
        foreach (var symbol in ClipByteEncoder.Symbols)
        {
            if (!vocab.ContainsKey(symbol.Symbol.ToString()) || !vocab.ContainsKey(symbol.Symbol + EndOfWord))
            {
                throw new InvalidDataException(
                    $"The CLIP vocabulary from '{source}' lacks the byte symbol '{symbol.Symbol}' (byte 0x{symbol.Byte:X2}) or its '{EndOfWord}' form; it is not a byte-level CLIP vocabulary.");
            }
        }
        if (!vocab.TryGetValue(StartOfText, out var sot) || !vocab.TryGetValue(EndOfText, out var eot))
        {
            throw new InvalidDataException($"The CLIP vocabulary from '{source}' lacks '{StartOfText}' or '{EndOfText}'.");
        }
        foreach (var (left, right) in merges)
        {
            if (!vocab.ContainsKey(left + right))
            {
                throw new InvalidDataException(
                    $"The merge '{left} {right}' in '{source}' makes '{left + right}', which the vocabulary does not contain; the merges and the vocabulary do not belong together.");
            }
        }

        var special = new Dictionary<string, int>(StringComparer.Ordinal) { [StartOfText] = sot, [EndOfText] = eot };
        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges.Select(m => m.Left + " " + m.Right),
            ByteLevel = true,
            EndOfWordSuffix = EndOfWord,
            Normalizer = new ClipNormalizer(),
            PreTokenizer = new ClipPreTokenizer(),
            SpecialTokens = special,
            UnknownToken = EndOfText,
        });
        return new ClipTokenizer(bpe, idToToken, sot, eot, options);
    }

    private static (string Left, string Right) ParseMerge(string line, string path, int lineNumber)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new InvalidDataException(
                $"Line {lineNumber} of the CLIP merges in '{path}' should be two symbols separated by a space, but is '{Truncated(line, 40)}'.");
        }
        return (parts[0], parts[1]);
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The file '{path}' ({what}) does not exist. The vocabulary is not bundled with this library: pass the path of your copy.", path);
        }
    }

    /// <summary>The text after CLIP's cleaning, as its split pattern sees it (<c>whitespace_clean(basic_clean(text)).lower()</c>).</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ClipTextCleaner.Clean(text);
    }

    /// <summary>BPE ids of a text without start/end tokens or padding: openai's <c>SimpleTokenizer().encode(text)</c>.</summary>
    public int[] EncodeBpe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. _bpe.EncodeToIds(text)];
    }

    /// <summary>
    /// One row of <see cref="ClipTokenizerOptions.ContextLength"/> ids: <c>[SOT] + bpe + [EOT]</c>, then padding
    /// (<c>clip.tokenize(text)[0]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The text needs more tokens than the context length and truncation is off.</exception>
    public int[] Encode(string text)
    {
        var row = new int[Options.ContextLength];
        FillRow(text, row);
        return row;
    }

    /// <summary>Rows for several texts: <c>[texts.Count][ContextLength]</c>.</summary>
    public int[][] Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return [.. texts.Select(Encode)];
    }

    /// <summary>Tokenizes a batch into a tensor, like <c>clip.tokenize(texts)</c> (but int64).</summary>
    /// <param name="texts">N texts.</param>
    /// <returns><c>ids [N, ContextLength] int64</c> on the CPU.</returns>
    public Tensor Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var context = Options.ContextLength;
        var flat = new long[texts.Count * context];
        var row = new int[context];
        for (var n = 0; n < texts.Count; n++)
        {
            FillRow(texts[n], row);
            for (var j = 0; j < context; j++) flat[n * context + j] = row[j];
        }
        return torch.tensor(flat, [texts.Count, context], ScalarType.Int64);
    }

    /// <summary>Number of tokens a text needs, start and end of text included (before truncation).</summary>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.CountTokens(text) + 2;
    }

    private void FillRow(string text, int[] row)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bpe = _bpe.EncodeToIds(text);
        var context = row.Length;
        var count = bpe.Count + 2;
        if (count > context && !Options.Truncate)
        {
            throw new ArgumentException(
                $"The text '{Truncated(text, 60)}' needs {count} tokens (with <|startoftext|> and <|endoftext|>), more than the context length {context}. Shorten it, or set ClipTokenizerOptions.Truncate = true to keep the first {context} tokens with <|endoftext|> last.",
                nameof(text));
        }
        Array.Fill(row, PadId);
        row[0] = StartOfTextId;
        var kept = Math.Min(bpe.Count, context - 2);
        for (var i = 0; i < kept; i++) row[i + 1] = bpe[i];
        row[Math.Min(kept + 1, context - 1)] = EndOfTextId;    // truncated rows end with EOT too
    }

    /// <summary>
    /// Decodes ids to text like openai's <c>SimpleTokenizer.decode</c>: tokens joined, bytes decoded as UTF-8 (invalid
    /// sequences become U+FFFD), every <c>&lt;/w&gt;</c> replaced by a space. Special tokens come out as their text.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_idToToken.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside the vocabulary (0..{_idToToken.Length - 1}).");
            }
            foreach (var c in _idToToken[id])
            {
                if (!_byteDecoder.TryGetValue(c, out var b))
                {
                    throw new InvalidOperationException($"The token '{_idToToken[id]}' (id {id}) holds '{c}', which is not a byte-level symbol.");
                }
                bytes.Add(b);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).Replace(EndOfWord, " ", StringComparison.Ordinal);
    }

    private static string Truncated(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private sealed class ClipNormalizer : Normalizer
    {
        public override string Normalize(string original) => ClipTextCleaner.Clean(original);

        public override string Normalize(ReadOnlySpan<char> original) => ClipTextCleaner.Clean(original.ToString());
    }
}
