using System.IO.Compression;
using System.Text;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Checkpoints;

/// <summary>Truncated, corrupt and hostile files: each must fail fast with an InvalidDataException naming the file and the problem.</summary>
public sealed class StateDictFileHostileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private void ShouldReject(byte[] bytes, string problem, string name = "bad.safetensors")
    {
        var path = _temp.Write(name, bytes);

        var act = () => StateDictFile.Read(path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain($"'{path}'").And.Contain(problem);
    }

    private static string One(string dtype, string shape, string offsets) =>
        $"{{\"t\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}}}";

    [Theory]
    [InlineData(0, "only 0 bytes long")]
    [InlineData(5, "only 5 bytes long")]
    public void Read_TooShortFile_Throws(int length, string problem) => ShouldReject(new byte[length], problem);

    [Fact]
    public void Read_HeaderLengthBeyondFile_Throws() =>
        ShouldReject(SafetensorsBytes.Build(One("F32", "[1]", "[0,4]"), new byte[4], headerLengthOverride: 4096),
                     "only 60 bytes follow it (truncated file?)");

    [Fact]
    public void Read_HeaderLengthAboveCap_ThrowsWithoutAllocating() =>
        ShouldReject(SafetensorsBytes.Build(One("F32", "[1]", "[0,4]"), new byte[4], headerLengthOverride: ulong.MaxValue / 2),
                     "more than the limit of 100000000 bytes");

    [Theory]
    [InlineData("{\"t\":", "not valid UTF-8 JSON")]
    [InlineData("[1, 2, 3]", "must be a JSON object but is a JSON Array")]
    [InlineData("{\"__metadata__\":[1],\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "'__metadata__' must be a JSON object")]
    [InlineData("{\"__metadata__\":{\"a\":1},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "'__metadata__' entry 'a' must be a string")]
    [InlineData("{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype 'F8_E4M3', which is not supported (supported: F32, F16, BF16, F64, I64, I32, U8, BOOL)")]
    [InlineData("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "tensor 't' has no string 'dtype'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "every dimension must be a non-negative integer")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "every dimension must be a non-negative integer")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", "tensor 't' has no 'shape' array")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "0 <= begin <= end")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "no 'data_offsets' array of two integers")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "needs 8 bytes but its data_offsets [0, 4] span 4")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,4]}}", "needs 9223372036854775807 bytes")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "lists 't' twice")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "overlaps the tensor before it")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "gap in the data section before tensor 't'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "the tensors need 16 data bytes but the file holds 8 after the header (truncated file?)")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "holds 8 data bytes after the header but the tensors account for only 4")]
    [InlineData("{\"t\":[1]}", "tensor 't' must be described by a JSON object")]
    public void Read_MalformedHeader_Throws(string header, string problem) =>
        ShouldReject(SafetensorsBytes.Build(header, new byte[8]), problem);

    [Fact]
    public void Read_TruncatedRealFile_Throws()
    {
        var bytes = File.ReadAllBytes(SharedFolder.Get("fixtures", "clip-parity", "vit-tiny", "model.safetensors"));

        ShouldReject(bytes[..(bytes.Length / 2)], "(truncated file?)");
    }

    [Fact]
    public void Read_RandomBytes_ThrowsNamingTheSupportedFormats()
    {
        var bytes = new byte[256];
        new Random(7).NextBytes(bytes);
        bytes[7] = 0x7F; // a header length far beyond the file
        bytes[8] = (byte)'x';

        ShouldReject(bytes, "neither a safetensors file", "random.bin");
    }

    // ---- ZIP archives -------------------------------------------------------------------------------------

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
        }
        return memory.ToArray();
    }

    [Fact]
    public void Read_TruncatedTorchArchive_Throws()
    {
        var bytes = File.ReadAllBytes(SharedFolder.Get("fixtures", "clip-parity", "vit-tiny", "model.pt"));

        ShouldReject(bytes[..(bytes.Length / 2)], "its directory cannot be read", "cut.pt");
    }

    [Fact]
    public void Read_ZipWithoutDataPkl_Throws() =>
        ShouldReject(Zip(("archive/version", "3\n"u8.ToArray())), "has no '<root>/data.pkl' record", "nopkl.pt");

    [Fact]
    public void Read_ZipWithGarbagePickle_Throws() =>
        ShouldReject(Zip(("archive/data.pkl", [0x80, 0x02, 0xFF, 0x00, 0x13]), ("archive/version", "3\n"u8.ToArray())),
                     "unpickling data.pkl failed", "garbage.pt");

    [Theory]
    [InlineData(1_000_000_000_000L, "unpickling data.pkl failed")]                      // 4 TB of float32
    [InlineData(1L << 30, "tensor 'w' [1073741824] Float32 addresses more bytes than the whole file holds")] // 4 GB from a 4-byte record
    public void Read_PickleClaimingAHugeStorage_ThrowsBeforeAllocating(long numel, string problem)
    {
        var pickle = HugeTensorPickle(numel);
        var bytes = Zip(("archive/data.pkl", pickle), ("archive/data/0", new byte[4]), ("archive/version", "3\n"u8.ToArray()));

        ShouldReject(bytes, problem, "huge.pt");
    }

    /// <summary>
    /// Pickle protocol 2 of <c>{"w": _rebuild_tensor_v2(pid("storage", FloatStorage, "0", "cpu", numel), 0, (numel,), (1,), False, OrderedDict())}</c>,
    /// i.e. what torch.save writes for one tensor, with a storage size the archive does not hold.
    /// </summary>
    private static byte[] HugeTensorPickle(long numel)
    {
        var p = new List<byte> { 0x80, 0x02, (byte)'}' };
        void Str(string s) { var b = Encoding.UTF8.GetBytes(s); p.Add((byte)'X'); p.AddRange(BitConverter.GetBytes(b.Length)); p.AddRange(b); }
        void Global(string module, string name) { p.Add((byte)'c'); p.AddRange(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }
        // pickle writes BININT for values that fit in 32 bits and LONG1 beyond, as torch.save's pickler does.
        void Long(long v)
        {
            if (v is >= int.MinValue and <= int.MaxValue) { p.Add((byte)'J'); p.AddRange(BitConverter.GetBytes((int)v)); }
            else { p.Add(0x8A); p.Add(8); p.AddRange(BitConverter.GetBytes(v)); }
        }
        Str("w");
        Global("torch._utils", "_rebuild_tensor_v2");
        p.Add((byte)'(');
        p.Add((byte)'(');
        Str("storage"); Global("torch", "FloatStorage"); Str("0"); Str("cpu"); Long(numel);
        p.Add((byte)'t');
        p.Add((byte)'Q');
        p.AddRange([(byte)'K', 0]);
        Long(numel); p.Add(0x85);
        p.AddRange([(byte)'K', 1]); p.Add(0x85);
        p.Add(0x89);
        Global("collections", "OrderedDict"); p.Add((byte)')'); p.Add((byte)'R');
        p.Add((byte)'t');
        p.Add((byte)'R');
        p.Add((byte)'s');
        p.Add((byte)'.');
        return [.. p];
    }
}
