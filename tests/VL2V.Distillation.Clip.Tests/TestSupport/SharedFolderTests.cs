namespace VL2V.Distillation.Clip.Tests.TestSupport;

public sealed class SharedFolderTests
{
    [Fact]
    public void SharedFolder_HoldsTheClipFixturesAndVocabulary()
    {
        Directory.Exists(SharedFolder.Get("fixtures", "clip-parity")).Should().BeTrue("parity tests read the reference CLIP models from shared/fixtures");
        File.Exists(SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz")).Should().BeTrue("tokenizer tests read openai's vocabulary from shared/clip");
    }
}
