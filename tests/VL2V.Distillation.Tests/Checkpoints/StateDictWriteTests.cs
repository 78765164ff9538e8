using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Tests.Checkpoints;

public sealed class StateDictWriteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vl2v-write-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Write_ThenRead_RoundTripsEveryDtypeAndShape()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.weight"] = torch.randn(3, 4),
            ["a.num_batches_tracked"] = torch.tensor(17L),
            ["half"] = torch.randn(5).to(ScalarType.Float16),
            ["ids"] = torch.tensor(new[] { 1, -2, 3 }),
            ["mask"] = torch.tensor(new[] { true, false }),
            ["empty"] = torch.zeros(0, 2),
            ["view"] = torch.arange(12f).reshape(3, 4).t(), // non-contiguous
        };
        var path = Path.Combine(_folder, "x.safetensors");
        StateDictFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var read = StateDictFile.Read(path, new StateDictReadOptions { StripModulePrefix = false });
        read.Keys.Should().BeEquivalentTo(tensors.Keys);
        foreach (var (name, expected) in tensors)
        {
            read[name].dtype.Should().Be(expected.dtype, name);
            read[name].shape.Should().Equal(expected.shape, name);
            read[name].equal(expected).all().item<bool>().Should().BeTrue(name);
        }
        Directory.GetFiles(_folder).Should().ContainSingle("the temporary file is renamed, not left behind");
    }

    [Fact]
    public void Write_UnsupportedDtype_NamesTheTensor()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => StateDictFile.Write(Path.Combine(_folder, "c.safetensors"), new Dictionary<string, Tensor> { ["z"] = torch.zeros(2, dtype: ScalarType.ComplexFloat32) });
        act.Should().Throw<ArgumentException>().WithMessage("Tensor 'z' has dtype ComplexFloat32*");
        Directory.GetFiles(_folder).Should().BeEmpty();
    }
}
