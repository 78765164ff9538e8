using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class InMemoryDatasetTests
{
    [Fact]
    public void Load_ReturnsTheImageLabelAndAContentKey()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.randint(0, 256, [3, 3, 4, 5], dtype: ScalarType.Byte, generator: new torch.Generator(1));
        var dataset = new InMemoryDataset(["x", "y"], [
            new InMemoryDomain("first", images, torch.tensor(new long[] { 1, 0, 1 })),
            new InMemoryDomain("second", images[..2], torch.tensor(new long[] { 0, 0 })),
        ]);

        var sample = dataset.Load(0, 2);

        dataset.DomainSizes.Should().Equal(new DomainSize("first", 3), new DomainSize("second", 2));
        sample.Label.Should().Be(1);
        sample.Image.Pixels.Should().Equal(images[2].contiguous().data<byte>().ToArray());
        sample.Key.Path.Should().Be("first/2");
        dataset.Load(1, 1).Key.Sha256.Should().Be(dataset.Load(0, 1).Key.Sha256, "the same pixels hash the same");
        dataset.Load(1, 1).Key.Path.Should().Be("second/1");
        dataset.Load(0, 0).Key.Sha256.Should().NotBe(dataset.Load(0, 1).Key.Sha256);
    }

    [Fact]
    public void Constructor_FloatImages_AreRoundedTo8Bits()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(new[] { 0f, 0.5f, 1f, 0.2f, 0.01f, 0.999f }, [1, 3, 1, 2]);

        var dataset = new InMemoryDataset(["only"], [new InMemoryDomain("d", images, torch.zeros(1, dtype: ScalarType.Int64))]);

        dataset.Load(0, 0).Image.Pixels.Should().Equal(0, 128, 255, 51, 3, 255);
    }

    [Fact]
    public void Constructor_CopiesTheData_SoTheCallerMayDisposeIt()
    {
        InMemoryDataset dataset;
        using (var scope = torch.NewDisposeScope())
        {
            dataset = new InMemoryDataset(["a"], [new InMemoryDomain("d", torch.full([2, 3, 2, 2], 7, dtype: ScalarType.Byte), torch.zeros(2, dtype: ScalarType.Int64))]);
        }

        dataset.Load(0, 1).Image.Pixels.Should().AllBeEquivalentTo((byte)7);
    }

    [Fact]
    public void Constructor_InvalidDomains_ListsEveryProblem()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => new InMemoryDataset(["a", "b"], [
            new InMemoryDomain("d", torch.zeros(2, 1, 4, 4), torch.zeros(2, dtype: ScalarType.Int64)),
            new InMemoryDomain("e", torch.zeros(2, 3, 4, 4), torch.tensor(new long[] { 0, 2 })),
            new InMemoryDomain("e", torch.full([1, 3, 4, 4], 2f), torch.zeros(1, dtype: ScalarType.Int64)),
        ]);

        act.Should().Throw<ArgumentException>().WithMessage(
            "The in-memory dataset is invalid:" + Environment.NewLine +
            "- Domain 'e' appears 2 times; domain names must be unique." + Environment.NewLine +
            "- Domain 'd': images have shape [2, 1, 4, 4] but must be [N,3,H,W] with N ≥ 1." + Environment.NewLine +
            "- Domain 'e': labels range over [0, 2] but must be class indices in [0, 1]." + Environment.NewLine +
            "- Domain 'e': floating-point images must lie in [0, 1] but range over [2, 2]; divide 0–255 data by 255.");
    }
}
