using System.Buffers.Binary;
using System.Text.Json;

namespace VL2V.Distillation.Clip.Tests.Imaging;

/// <summary>Minimal reader of the fixtures' .safetensors files (8-byte header length, JSON header, raw data).</summary>
internal sealed class SafetensorsTestFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, (string Dtype, long[] Shape, long Begin, long End)> _tensors = [];

    public SafetensorsTestFile(string path)
    {
        _bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(_bytes);
        _dataStart = 8 + headerLength;
        using var header = JsonDocument.Parse(_bytes.AsMemory(8, (int)headerLength));
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var offsets = entry.Value.GetProperty("data_offsets");
            _tensors[entry.Name] = (entry.Value.GetProperty("dtype").GetString()!,
                [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())],
                offsets[0].GetInt64(), offsets[1].GetInt64());
        }
    }

    public long[] Shape(string name) => _tensors[name].Shape;

    public byte[] U8(string name)
    {
        var t = _tensors[name];
        t.Dtype.Should().Be("U8");
        return _bytes[(int)(_dataStart + t.Begin)..(int)(_dataStart + t.End)];
    }

    public float[] F32(string name)
    {
        var t = _tensors[name];
        t.Dtype.Should().Be("F32");
        var span = _bytes.AsSpan((int)(_dataStart + t.Begin), (int)(t.End - t.Begin));
        var result = new float[span.Length / 4];
        for (var i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
        return result;
    }
}
