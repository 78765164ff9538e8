using VL2V.Distillation.Clip.Text;

namespace VL2V.Distillation.Clip.Tests.Text;

public sealed class PromptTemplatesTests
{
    [Fact]
    public void TemplateSets_HaveThePublishedSizesAndOnePlaceholderEach()
    {
        PromptTemplates.OpenAIImageNet.Should().HaveCount(80).And.OnlyHaveUniqueItems();
        PromptTemplates.OpenClipSimple.Should().HaveCount(7).And.OnlyHaveUniqueItems();
        PromptTemplates.OpenAIImageNet.Should().Contain(PromptTemplates.OpenClipSimple, "the simple set is a subset of the 80 notebook templates");
        var all = PromptTemplates.OpenAIImageNet.Concat(PromptTemplates.OpenClipSimple).Concat(PromptTemplates.Paper).Concat(PromptTemplates.OpenAISingle);
        all.Should().OnlyContain(t => t.Split(PromptTemplates.ClassPlaceholder).Length == 2);
        PromptTemplates.OpenAIImageNet[0].Should().Be("a bad photo of a {c}.");
        PromptTemplates.OpenAIImageNet[^1].Should().Be("a tattoo of the {c}.");
    }

    [Fact]
    public void Paper_IsTheAdipCodeDefaultWithoutPeriod()
    {
        PromptTemplates.Format(PromptTemplates.Paper[0], "alarm clock").Should().Be("a photo of a alarm clock");
        PromptTemplates.Format(PromptTemplates.OpenAISingle[0], "dog").Should().Be("a photo of a dog.");
    }

    [Fact]
    public void Format_ClassesTimesTemplates_IsClassMajor()
    {
        var prompts = PromptTemplates.Format(["dog", "guitar"], PromptTemplates.OpenClipSimple);

        prompts.Should().HaveCount(2);
        prompts[0].Should().HaveCount(7);
        prompts[1][4].Should().Be("a guitar in a video game.");
        prompts[0][0].Should().Be("itap of a dog.");
    }

    [Fact]
    public void Domain_Names_GiveADomainOfAClassTemplates()
    {
        var templates = PromptTemplates.Domain(["art painting", "cartoon", "sketch"]);

        templates.Should().Equal("a art painting of a {c}", "a cartoon of a {c}", "a sketch of a {c}");
        PromptTemplates.Format(["house"], templates)[0].Should().Equal("a art painting of a house", "a cartoon of a house", "a sketch of a house");
    }

    [Fact]
    public void ClassNameFromFolder_ReplacesUnderscores() =>
        PromptTemplates.ClassNameFromFolder("alarm_clock").Should().Be("alarm clock");

    [Fact]
    public void BadInput_ThrowsWithTheProblemNamed()
    {
        FluentActions.Invoking(() => PromptTemplates.Format("a photo of a thing", "dog"))
            .Should().Throw<ArgumentException>().WithMessage("The prompt template 'a photo of a thing' has no '{c}' placeholder*");
        FluentActions.Invoking(() => PromptTemplates.Format(["dog", " "], PromptTemplates.Paper))
            .Should().Throw<ArgumentException>().WithMessage("Class name 1 is blank*");
        FluentActions.Invoking(() => PromptTemplates.Format([], PromptTemplates.Paper))
            .Should().Throw<ArgumentException>().WithMessage("At least one class name is needed.*");
        FluentActions.Invoking(() => PromptTemplates.Format(["dog"], []))
            .Should().Throw<ArgumentException>().WithMessage("At least one prompt template is needed.*");
        FluentActions.Invoking(() => PromptTemplates.Domain([]))
            .Should().Throw<ArgumentException>().WithMessage("At least one domain name is needed.*");
    }
}
