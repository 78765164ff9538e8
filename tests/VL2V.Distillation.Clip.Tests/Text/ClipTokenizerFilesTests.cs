using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

/// <summary>ClipTokenizerFiles picks the vocabulary form from the path and explains what is missing.</summary>
public sealed class ClipTokenizerFilesTests
{
    [Fact]
    public void Open_GzAndVocabJson_GiveTheSameIds()
    {
        var openai = ClipTokenizerFiles.Open(SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz"));
        var hf = ClipTokenizerFiles.Open(SharedFolder.Get("clip", "vocab.json"));
        hf.Encode("a photo of a dog.").Should().Equal(openai.Encode("a photo of a dog.")).And.StartWith([49406, 320, 1125, 539, 320, 1929, 269, 49407]);
    }

    [Fact]
    public void Open_VocabJsonWithoutMerges_OrAnotherExtension_ExplainsTheExpectedFiles()
    {
        var folder = Directory.CreateTempSubdirectory("vl2v-vocab-");
        try
        {
            string vocab = Path.Combine(folder.FullName, "vocab.json");
            File.Copy(SharedFolder.Get("clip", "vocab.json"), vocab);
            var noMerges = () => ClipTokenizerFiles.Open(vocab);
            noMerges.Should().Throw<FileNotFoundException>().WithMessage("*merges.txt*");

            string other = Path.Combine(folder.FullName, "vocab.txt");
            File.WriteAllText(other, "x");
            var unknown = () => ClipTokenizerFiles.Open(other);
            unknown.Should().Throw<InvalidDataException>().WithMessage("*bpe_simple_vocab_16e6.txt.gz*vocab.json*");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
