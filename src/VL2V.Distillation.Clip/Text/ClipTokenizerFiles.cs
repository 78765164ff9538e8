namespace VL2V.Distillation.Clip.Text;

/// <summary>Opens a <see cref="ClipTokenizer"/> from whichever vocabulary form a path names.</summary>
public static class ClipTokenizerFiles
{
    /// <summary>
    /// Loads openai's <c>bpe_simple_vocab_16e6.txt.gz</c> (any path ending in <c>.gz</c>) or a Hugging Face
    /// <c>vocab.json</c> (any path ending in <c>.json</c>; <c>merges.txt</c> must be in the same folder).
    /// </summary>
    /// <param name="vocabularyPath">The vocabulary file.</param>
    /// <param name="options">Row options; null for the defaults.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The file (or the <c>merges.txt</c> beside a <c>vocab.json</c>) does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is neither form, or is malformed.</exception>
    public static ClipTokenizer Open(string vocabularyPath, ClipTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"The CLIP vocabulary file '{vocabularyPath}' does not exist; pass bpe_simple_vocab_16e6.txt.gz or vocab.json (with merges.txt beside it).", vocabularyPath);
        }
        if (vocabularyPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return ClipTokenizer.FromOpenAIVocabulary(vocabularyPath, options);
        }
        if (vocabularyPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            string merges = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(vocabularyPath))!, "merges.txt");
            if (!File.Exists(merges))
            {
                throw new FileNotFoundException(
                    $"The CLIP vocabulary '{vocabularyPath}' is a Hugging Face vocab.json, which needs merges.txt beside it, but '{merges}' does not exist.", merges);
            }
            return ClipTokenizer.FromHuggingFaceFiles(vocabularyPath, merges, options);
        }
        throw new InvalidDataException(
            $"The CLIP vocabulary '{vocabularyPath}' is neither openai's bpe_simple_vocab_16e6.txt.gz (a .gz file) nor a Hugging Face vocab.json (a .json file with merges.txt beside it).");
    }
}
