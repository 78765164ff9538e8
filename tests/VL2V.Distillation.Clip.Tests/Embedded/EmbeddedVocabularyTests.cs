using VL2V.Distillation.Clip.Embedded;
using VL2V.Distillation.Data.Synthetic;

namespace VL2V.Distillation.Clip.Tests.Embedded;

public sealed class EmbeddedVocabularyTests
{
    [Fact]
    public void Encode_LaysOutRowsLikeClip_WithEndOfTextAsTheLargestId()
    {
        var vocabulary = new EmbeddedVocabulary(["star", "a", "of", "photo"], contextLength: 8);
        vocabulary.Words.Should().Equal("a", "of", "photo", "star");
        vocabulary.StartOfTextId.Should().Be(5);
        vocabulary.EndOfTextId.Should().Be(6);
        vocabulary.VocabularySize.Should().Be(7);
        vocabulary.Encode(" A photo of a STAR ").Should().Equal(5, 1, 3, 2, 1, 4, 6, 0);
        using var ids = vocabulary.Tokenize(["a star", "photo"]);
        ids.shape.Should().Equal(2, 8);
        ids.argmax(1).data<long>().ToArray().Should().Equal(new long[] { 3, 2 }, "ClipModel pools at the first maximum: the end of text");
    }

    [Fact]
    public void Encode_UnknownWordOrTooLong_ThrowsNamingTheProblem()
    {
        var vocabulary = new EmbeddedVocabulary(["a", "star"], contextLength: 4);
        var unknown = () => vocabulary.Encode("a blue star");
        unknown.Should().Throw<ArgumentException>().WithMessage("*'blue'*Known words: a star*");
        var tooLong = () => vocabulary.Encode("a star a");
        tooLong.Should().Throw<ArgumentException>().WithMessage("*3 words*at most 2*");
        var repeated = () => new EmbeddedVocabulary(["a", "a"], 4);
        repeated.Should().Throw<ArgumentException>().WithMessage("*repeated: a*");
    }

    [Fact]
    public void TeacherVocabulary_EncodesEveryCaptionAndPrompt()
    {
        var vocabulary = EmbeddedTeacher.CreateVocabulary();
        foreach (var domain in SynthDG.AllDomains)
        {
            for (int label = 0; label < 10; label++)
            {
                foreach (var colour in SynthDG.ColourNames.Append(null))
                    vocabulary.Encode(SynthDG.Caption(domain, label, colour)).Should().Contain(vocabulary.EndOfTextId);
            }
        }
        foreach (var template in EmbeddedTeacher.StyleTemplates.Concat(EmbeddedTeacher.DefaultTemplates))
            vocabulary.Encode(template.Replace("{c}", "arrow")).Should().Contain(vocabulary.EndOfTextId);
    }
}
