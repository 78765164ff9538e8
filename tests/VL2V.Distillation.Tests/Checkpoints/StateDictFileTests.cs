using System.IO.Compression;
using System.Text;
using System.Text.Json;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Checkpoints;

public sealed class StateDictFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Checkpoints", "Fixtures", name);

    private static string ClipFixture(string model, string file) => SharedFolder.Get("fixtures", "clip-parity", model, file);

    // ---- safetensors: valid files ---------------------------------------------------------------------------

    private static (string Header, byte[] Data) Tensors(params (string Name, string DType, long[] Shape, byte[] Bytes)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new List<byte>();
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            header.Append($",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}}");
            data.AddRange(bytes);
        }
        return (header.Append('}').ToString(), data.ToArray());
    }

    [Fact]
    public void Read_SafetensorsWithEveryDtype_ReturnsStoredValuesShapesAndDtypes()
    {
        var (header, data) = Tensors(
            ("a", "F32", [2, 2], SafetensorsBytes.Floats(1, 2, 3, 4)),
            ("h", "F16", [2], [0x00, 0x3C, 0x00, 0xC0]),                 // 1.0, -2.0
            ("bf", "BF16", [1], [0x00, 0x3F]),                           // 0.5
            ("d", "F64", [], BitConverter.GetBytes(2.5)),
            ("n", "I64", [], BitConverter.GetBytes(1000L)),
            ("i", "I32", [2], [.. BitConverter.GetBytes(-1), .. BitConverter.GetBytes(7)]),
            ("u", "U8", [3], [0, 128, 255]),
            ("m", "BOOL", [2], [1, 0]),
            ("e", "F32", [0, 3], []));
        var path = _temp.Write("all.safetensors", SafetensorsBytes.Build(header, data));

        var sd = StateDictFile.Read(path);

        sd.Keys.Should().BeEquivalentTo("a", "h", "bf", "d", "n", "i", "u", "m", "e");
        sd["a"].dtype.Should().Be(ScalarType.Float32);
        sd["a"].shape.Should().Equal(2, 2);
        sd["a"].data<float>().ToArray().Should().Equal(1f, 2f, 3f, 4f);
        sd["h"].dtype.Should().Be(ScalarType.Float16);
        sd["h"].to_type(ScalarType.Float32).data<float>().ToArray().Should().Equal(1f, -2f);
        sd["bf"].dtype.Should().Be(ScalarType.BFloat16);
        sd["bf"].to_type(ScalarType.Float32).item<float>().Should().Be(0.5f);
        sd["d"].shape.Should().BeEmpty();
        sd["d"].item<double>().Should().Be(2.5);
        sd["n"].shape.Should().BeEmpty();
        sd["n"].item<long>().Should().Be(1000);
        sd["i"].data<int>().ToArray().Should().Equal(-1, 7);
        sd["u"].data<byte>().ToArray().Should().Equal(0, 128, 255);
        sd["m"].data<bool>().ToArray().Should().Equal(true, false);
        sd["e"].shape.Should().Equal(0, 3);
    }

    [Fact]
    public void Read_TensorLargerThanTheChunkSize_IsReadInPieces()
    {
        // Tensors over 1 GiB are read in pieces; an 8-byte chunk size exercises that path on 10 floats.
        float[] values = [.. Enumerable.Range(0, 10).Select(i => i * 1.5f)];
        var (header, data) = Tensors(("big", "F32", [2, 5], SafetensorsBytes.Floats(values)), ("n", "I64", [], BitConverter.GetBytes(3L)));
        var path = _temp.Write("chunks.safetensors", SafetensorsBytes.Build(header, data));

        using var stream = File.OpenRead(path);
        var sd = SafetensorsReader.Read(path, stream, maxHeaderBytes: 1 << 20, chunkBytes: 8);

        sd["big"].shape.Should().Equal(2, 5);
        sd["big"].data<float>().ToArray().Should().Equal(values);
        sd["n"].item<long>().Should().Be(3);
    }

    [Fact]
    public void Read_FloatingDTypeOption_ConvertsFloatsAndKeepsIntegers()
    {
        var (header, data) = Tensors(
            ("h", "F16", [2], [0x00, 0x3C, 0x00, 0xC0]),
            ("n", "I64", [], BitConverter.GetBytes(5L)));
        var path = _temp.Write("mixed.safetensors", SafetensorsBytes.Build(header, data));

        var sd = StateDictFile.Read(path, new StateDictReadOptions { FloatingDType = ScalarType.Float32 });

        sd["h"].dtype.Should().Be(ScalarType.Float32);
        sd["h"].data<float>().ToArray().Should().Equal(1f, -2f);
        sd["n"].dtype.Should().Be(ScalarType.Int64);
    }

    [Theory]
    [InlineData("vit-tiny")]
    [InlineData("rn-tiny")]
    public void Read_ClipFixture_MatchesTheListingInConfigJsonAndThePtCopy(string model)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(ClipFixture(model, "config.json")));
        var listing = config.RootElement.GetProperty("state_dict").EnumerateObject().ToDictionary(
            p => p.Name,
            p => (Shape: p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                  DType: p.Value.GetProperty("dtype").GetString()));

        var safetensors = StateDictFile.Read(ClipFixture(model, "model.safetensors"));
        var pt = StateDictFile.Read(ClipFixture(model, "model.pt"));

        safetensors.Keys.Should().BeEquivalentTo(listing.Keys);
        pt.Keys.Should().BeEquivalentTo(listing.Keys);
        foreach (var (key, (shape, dtype)) in listing)
        {
            safetensors[key].shape.Should().Equal(shape, key);
            pt[key].shape.Should().Equal(shape, key);
            var expectedDType = dtype == "I64" ? ScalarType.Int64 : ScalarType.Float32;
            safetensors[key].dtype.Should().Be(expectedDType, key);
            pt[key].dtype.Should().Be(expectedDType, key);
            safetensors[key].equal(pt[key]).all().item<bool>().Should().BeTrue(key);
        }
    }

    [Fact]
    public void Read_TorchvisionPtWithModuleMetadata_EqualsItsSafetensorsCopy()
    {
        // torchvision's state_dict carries _metadata (version 2 on every mlp); the tensors must be unaffected.
        var pt = StateDictFile.Read(SharedFolder.Get("fixtures", "torchvision", "vit-tiny.pt"));
        var safetensors = StateDictFile.Read(SharedFolder.Get("fixtures", "torchvision", "vit-tiny.safetensors"));

        pt.Keys.Should().BeEquivalentTo(safetensors.Keys);
        pt.Should().ContainKey("encoder.layers.encoder_layer_1.mlp.3.weight");
        foreach (var (key, tensor) in safetensors)
        {
            pt[key].equal(tensor).all().item<bool>().Should().BeTrue(key);
        }
    }

    // ---- torch.save archives ------------------------------------------------------------------------------

    private static void ShouldHoldGeneratorValues(Dictionary<string, Tensor> sd)
    {
        // make_checkpoint_fixtures.py: a = arange(6)/4 [2,3]; b = arange(4)-1.5 (f16); n = 1000; m = [T,F,T]; h = [0.5,-2] (bf16)
        sd.Keys.Should().BeEquivalentTo("a", "b", "n", "m", "h");
        sd["a"].shape.Should().Equal(2, 3);
        sd["a"].data<float>().ToArray().Should().Equal(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f);
        sd["b"].dtype.Should().Be(ScalarType.Float16);
        sd["b"].to_type(ScalarType.Float32).data<float>().ToArray().Should().Equal(-1.5f, -0.5f, 0.5f, 1.5f);
        sd["n"].shape.Should().BeEmpty();
        sd["n"].item<long>().Should().Be(1000);
        sd["m"].data<bool>().ToArray().Should().Equal(true, false, true);
        sd["h"].dtype.Should().Be(ScalarType.BFloat16);
        sd["h"].to_type(ScalarType.Float32).data<float>().ToArray().Should().Equal(0.5f, -2f);
    }

    [Theory]
    [InlineData("plain.pt")]
    [InlineData("module_prefix.pt")]
    [InlineData("wrapped_state_dict.pth")]
    [InlineData("wrapped_model.bin")]
    public void Read_TorchSave_UnwrapsAndStripsModulePrefix(string file)
    {
        ShouldHoldGeneratorValues(StateDictFile.Read(Fixture(file)));
    }

    [Fact]
    public void Read_StripModulePrefixOff_KeepsThePrefix()
    {
        var sd = StateDictFile.Read(Fixture("module_prefix.pt"), new StateDictReadOptions { StripModulePrefix = false });

        sd.Keys.Should().BeEquivalentTo("module.a", "module.b", "module.n", "module.m", "module.h");
    }

    [Theory]
    [InlineData("not_state_dict.pt", "keys [epoch, lr] that are not all tensors")]
    [InlineData("list.pt", "the pickled object is not a dictionary, so it is not a state dict")]
    [InlineData("whole_module.pt", "contains the entire model and not just the state_dict")]
    [InlineData("legacy.pt", "legacy torch.save format")]
    public void Read_PickleThatIsNotAStateDict_ThrowsNamingFileAndProblem(string file, string problem)
    {
        var path = Fixture(file);

        var act = () => StateDictFile.Read(path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain($"'{path}'").And.Contain(problem);
    }

    [Fact]
    public void Read_TorchScriptArchive_ThrowsSayingItIsTorchScript()
    {
        var path = ClipFixture("vit-tiny", "model.jit.pt");

        var act = () => StateDictFile.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*TorchScript archive*");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        var path = _temp.File("nope.pt");

        var act = () => StateDictFile.Read(path);

        act.Should().Throw<FileNotFoundException>().Which.FileName.Should().Be(path);
    }

    [Fact]
    public void StripPrefix_TwoKeysCollide_Throws()
    {
        using var t1 = torch.zeros(1);
        using var t2 = torch.zeros(1);
        var sd = new Dictionary<string, Tensor> { ["module.a"] = t1, ["a"] = t2 };

        var act = () => StateDictFile.StripPrefix(sd, "module.");

        act.Should().Throw<InvalidDataException>().WithMessage("*prefix 'module.'*two keys become 'a'*");
    }

    [Fact]
    public void StripPrefix_MixedKeys_RemovesOnlyTheGivenPrefix()
    {
        using var t1 = torch.zeros(1);
        using var t2 = torch.zeros(1);
        var sd = new Dictionary<string, Tensor> { ["visual.proj"] = t1, ["logit_scale"] = t2 };

        var result = StateDictFile.StripPrefix(sd, "visual.");

        result.Keys.Should().BeEquivalentTo("proj", "logit_scale");
        result["proj"].Should().BeSameAs(t1);
    }
}
