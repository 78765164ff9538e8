using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>Both vocabulary forms loaded once per test class (each load builds 48,894 merges).</summary>
public sealed class ClipTokenizerFixture
{
    public ClipTokenizer OpenAI { get; } = ClipTokenizer.FromOpenAIVocabulary(
        SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz"), new ClipTokenizerOptions { Truncate = true });

    public ClipTokenizer HuggingFace { get; } = ClipTokenizer.FromHuggingFaceFiles(
        SharedFolder.Get("clip", "vocab.json"), SharedFolder.Get("clip", "merges.txt"), new ClipTokenizerOptions { Truncate = true });
}
