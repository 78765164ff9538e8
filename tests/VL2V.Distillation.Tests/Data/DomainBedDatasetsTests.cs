using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class DomainBedDatasetsTests
{
    [Theory]
    [InlineData("PACS", 4, 7, 5001, 200)]
    [InlineData("VLCS", 4, 5, 5001, 200)]
    [InlineData("OfficeHome", 4, 65, 5001, 200)]
    [InlineData("TerraIncognita", 4, 10, 5001, 200)]
    [InlineData("DomainNet", 6, 345, 15001, 1000)]
    public void Descriptor_HasDomainBedsSizesAndSchedule(string name, int domains, int classes, int steps, int frequency)
    {
        var d = DomainBedDatasets.Get(name);

        d.Domains.Should().HaveCount(domains);
        d.ClassFolders.Should().HaveCount(classes).And.OnlyHaveUniqueItems();
        (d.Steps, d.CheckpointFrequency).Should().Be((steps, frequency));
    }

    [Fact]
    public void Descriptors_ListFoldersInImageFolderOrder()
    {
        foreach (var d in DomainBedDatasets.All)
        {
            d.Domains.Should().BeInAscendingOrder(StringComparer.Ordinal, $"{d.Name} domains are sorted folder names");
            d.ClassFolders.Should().BeInAscendingOrder(StringComparer.Ordinal, $"{d.Name} labels follow sorted class folders");
        }
        DomainBedDatasets.TerraIncognita.Domains.Should().Equal("location_100", "location_38", "location_43", "location_46");
        DomainBedDatasets.OfficeHome.Domains.Should().Contain("Real World");
        DomainBedDatasets.OfficeHome.Classes.Should().Contain("Alarm Clock").And.Contain("TV");
    }

    [Fact]
    public void Get_AcceptsFolderNamesAndRejectsUnknownNames()
    {
        DomainBedDatasets.Get("office_home").Should().BeSameAs(DomainBedDatasets.OfficeHome);
        DomainBedDatasets.Get("pacs").Should().BeSameAs(DomainBedDatasets.Pacs);

        var act = () => DomainBedDatasets.Get("Digits");

        act.Should().Throw<ArgumentException>().WithMessage(
            "Unknown DomainBed dataset 'Digits'. Known datasets: OfficeHome, PACS, VLCS, TerraIncognita, DomainNet.*");
    }
}
