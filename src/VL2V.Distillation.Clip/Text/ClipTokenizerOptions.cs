namespace VL2V.Distillation.Clip.Text;

/// <summary>How <see cref="ClipTokenizer"/> turns texts into fixed-length rows.</summary>
public sealed record ClipTokenizerOptions
{
    /// <summary>The default context length of every released CLIP text tower.</summary>
    public const int DefaultContextLength = 77;

    /// <summary>Length of each token row, start and end of text included.</summary>
    /// <value>The default is 77.</value>
    public int ContextLength { get; init; } = DefaultContextLength;

    /// <summary>
    /// Whether a text longer than <see cref="ContextLength"/> is cut (keeping the first tokens and forcing the last
    /// one to <c>&lt;|endoftext|&gt;</c>, like <c>clip.tokenize(truncate=True)</c>). When false such a text throws.
    /// </summary>
    /// <value>The default is false, as in <c>clip.tokenize</c>.</value>
    public bool Truncate { get; init; }

    /// <summary>The id written after the end-of-text token.</summary>
    /// <value>The default is <see cref="ClipPadding.Zero"/> (openai/CLIP).</value>
    public ClipPadding Padding { get; init; } = ClipPadding.Zero;

    internal void Validate()
    {
        if (ContextLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength,
                $"ClipTokenizerOptions.ContextLength must be at least 2 (room for <|startoftext|> and <|endoftext|>), was {ContextLength}.");
        }
        if (!Enum.IsDefined(Padding))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding,
                $"ClipTokenizerOptions.Padding must be {nameof(ClipPadding.Zero)} or {nameof(ClipPadding.EndOfText)}, was {(int)Padding}.");
        }
    }
}
