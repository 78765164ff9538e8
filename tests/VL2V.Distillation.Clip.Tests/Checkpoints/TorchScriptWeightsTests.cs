using System.IO.Compression;
using System.Text;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Checkpoints;

public sealed class TorchScriptWeightsTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("vl2v-jit-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("vit-tiny", 32, true)]
    [InlineData("rn-tiny", 64, true)]
    [InlineData("vit-tiny", 32, false)]
    [InlineData("rn-tiny", 64, false)]
    public void Read_Archive_HoldsTheStateDictTensorsBitForBitPlusThreeExtras(string model, long resolution, bool libTorch)
    {
        var path = ClipFixtures.File(model, "model.jit.pt");
        TorchScriptWeights.IsTorchScript(path).Should().BeTrue();
        TorchScriptWeights.IsTorchScript(ClipFixtures.File(model, "model.pt")).Should().BeFalse("a torch.save archive has no code/ or constants.pkl");

        var jit = libTorch ? TorchScriptWeights.ReadWithLibTorch(path) : TorchScriptWeights.ReadPickled(path);
        var reference = ClipFixtures.Tensors(model, "model.safetensors");

        jit.Keys.Should().BeEquivalentTo(reference.Keys.Concat(["input_resolution", "context_length", "vocab_size"]));
        foreach (var (key, tensor) in reference)
        {
            jit[key].dtype.Should().Be(tensor.dtype, key);
            jit[key].equal(tensor).all().item<bool>().Should().BeTrue(key);
        }
        jit["input_resolution"].item<long>().Should().Be(resolution);
        jit["context_length"].item<long>().Should().Be(77);
        jit["vocab_size"].item<long>().Should().Be(49408);
    }

    /// <summary>A copy of vit-tiny's archive with data.pkl replaced.</summary>
    private string WithPickle(Func<byte[], byte[]> edit)
    {
        var path = Path.Combine(_temp, "edited.jit.pt");
        using var source = ZipFile.OpenRead(ClipFixtures.File("vit-tiny", "model.jit.pt"));
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in source.Entries)
        {
            using var input = entry.Open();
            using var memory = new MemoryStream();
            input.CopyTo(memory);
            var bytes = entry.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) ? edit(memory.ToArray()) : memory.ToArray();
            using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
            output.Write(bytes);
        }
        return path;
    }

    private static byte[] Replace(byte[] data, string from, string to)
    {
        var text = Encoding.Latin1.GetString(data);
        text.Should().Contain(from);
        return Encoding.Latin1.GetBytes(text.Replace(from, to));
    }

    [Fact]
    public void ReadPickled_TruncatedPickle_Throws()
    {
        var path = WithPickle(d => d[..(d.Length / 2)]);

        var act = () => TorchScriptWeights.ReadPickled(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"Cannot read TorchScript archive '{path}': the pickle *");
    }

    [Fact]
    public void ReadPickled_UnknownCallable_IsRejectedNotCalled()
    {
        // Same length, so every other byte of the pickle stays valid.
        var path = WithPickle(d => Replace(d, "collections\nOrderedDict", "collections\nOrderedDicX"));

        var act = () => TorchScriptWeights.ReadPickled(path);

        act.Should().Throw<InvalidDataException>().WithMessage("*calls 'collections.OrderedDicX', which a TorchScript weight archive does not call*");
    }

    [Fact]
    public void ReadPickled_StorageLongerThanItsRecord_IsRejectedBeforeAllocating()
    {
        var path = Path.Combine(_temp, "short.jit.pt");
        File.Copy(ClipFixtures.File("vit-tiny", "model.jit.pt"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.First(e => e.FullName.Contains("/data/", StringComparison.Ordinal) && e.Length > 8);
            string name = entry.FullName;
            entry.Delete();
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(new byte[8]);
        }

        var act = () => TorchScriptWeights.ReadPickled(path);

        act.Should().Throw<InvalidDataException>().WithMessage("*claims * elements but its record holds 8 bytes*");
    }
}
