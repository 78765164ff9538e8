namespace VL2V.Distillation.Clip.Embedded;

/// <summary>
/// The embedded teacher's word-level tokenizer: a closed vocabulary (the <see cref="Data.Synthetic.SynthDG"/> caption
/// words) mapped onto <see cref="Modules.ClipModel"/>'s token ids the way CLIP's tokenizer lays out a row.
/// </summary>
/// <remarks>
/// <para>Ids: 0 = padding, 1…W = the words in ordinal order, W+1 = start of text, W+2 = end of text, so
/// <see cref="VocabularySize"/> = W+3 and the end-of-text id is the largest: <c>ClipModel.EncodeText</c> pools at the
/// row's first maximum id, exactly as with CLIP's BPE ids (49406 / 49407, zero padding).</para>
/// <para>A row is <c>[SOT, w1, …, wk, EOT, 0, …]</c> of <see cref="ContextLength"/> ids. Text is split on single
/// spaces after lowercasing and trimming; an unknown word or a text too long throws (no silent truncation): the
/// teacher cannot read words it never saw, and saying so is clearer than an [UNK] embedding.</para>
/// <para>The real CLIP BPE vocabulary is not needed (it is openai's data and not in the package).</para>
/// </remarks>
public sealed class EmbeddedVocabulary
{
    private readonly Dictionary<string, int> _ids;

    /// <summary>Creates the vocabulary.</summary>
    /// <param name="words">The words (distinct, non-empty, no spaces); ids follow their ordinal order.</param>
    /// <param name="contextLength">Ids per row, start and end of text included (≥ 3).</param>
    /// <exception cref="ArgumentException">A word is empty, repeated or contains whitespace, or the context length is below 3.</exception>
    public EmbeddedVocabulary(IEnumerable<string> words, int contextLength)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 3);
        var list = words.ToList();
        var bad = list.Where(w => string.IsNullOrEmpty(w) || w.Any(char.IsWhiteSpace) || w != w.ToLowerInvariant()).ToList();
        if (bad.Count > 0)
            throw new ArgumentException($"Vocabulary words must be non-empty lowercase words without whitespace; invalid: {string.Join(", ", bad.Select(b => $"'{b}'"))}.", nameof(words));
        var repeated = list.GroupBy(w => w, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            throw new ArgumentException($"Vocabulary words must be distinct; repeated: {string.Join(", ", repeated)}.", nameof(words));
        Words = list.Order(StringComparer.Ordinal).ToArray();
        _ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i + 1, StringComparer.Ordinal);
        ContextLength = contextLength;
    }

    /// <summary>The words in id order (word <c>i</c> has id <c>i + 1</c>).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Ids per row (the model's <c>context_length</c>).</summary>
    public int ContextLength { get; }

    /// <summary>The padding id, 0.</summary>
    public int PadId => 0;

    /// <summary>The start-of-text id, <c>W + 1</c>.</summary>
    public int StartOfTextId => Words.Count + 1;

    /// <summary>The end-of-text id, <c>W + 2</c>: the largest id, where the text transformer pools.</summary>
    public int EndOfTextId => Words.Count + 2;

    /// <summary>Rows of the token embedding: <c>W + 3</c> (the model's <c>vocab_size</c>).</summary>
    public int VocabularySize => Words.Count + 3;

    /// <summary>The ids of one text, padded to <see cref="ContextLength"/>.</summary>
    /// <param name="text">Space-separated words of the vocabulary, any case.</param>
    /// <returns><see cref="ContextLength"/> ids.</returns>
    /// <exception cref="ArgumentException">A word is not in the vocabulary, or the text needs more than <see cref="ContextLength"/> ids.</exception>
    public long[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var unknown = words.Where(w => !_ids.ContainsKey(w)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"The text '{text}' has words the embedded teacher's vocabulary does not know: {string.Join(", ", unknown.Select(u => $"'{u}'"))}. " +
                $"Known words: {string.Join(" ", Words)}.", nameof(text));
        }
        if (words.Length + 2 > ContextLength)
        {
            throw new ArgumentException(
                $"The text '{text}' has {words.Length} words but rows hold at most {ContextLength - 2} (context length {ContextLength} with start and end of text).", nameof(text));
        }
        var row = new long[ContextLength];
        row[0] = StartOfTextId;
        for (int i = 0; i < words.Length; i++) row[i + 1] = _ids[words[i]];
        row[words.Length + 1] = EndOfTextId;
        return row;
    }

    /// <summary>Tokenizes texts into one tensor.</summary>
    /// <param name="texts">The texts (at least one).</param>
    /// <returns>ids <c>[N, ContextLength]</c> int64.</returns>
    /// <exception cref="ArgumentException">A text cannot be encoded; see <see cref="Encode"/>.</exception>
    public Tensor Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("At least one text is required.", nameof(texts));
        var ids = new long[texts.Count * ContextLength];
        for (int i = 0; i < texts.Count; i++) Encode(texts[i]).CopyTo(ids, i * ContextLength);
        return torch.tensor(ids, [texts.Count, ContextLength], ScalarType.Int64);
    }
}
