using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace VL2V.Cli.Commands;

/// <summary>
/// Writes float32 tensors as <c>.safetensors</c>: 8-byte little-endian header length, a JSON header padded with
/// spaces to a multiple of 8, then the raw little-endian data in the header's order.
/// </summary>
internal static class SafetensorsWriter
{
    public static void WriteF32(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var data = new List<(string Name, long[] Shape, float[] Values)>();
        foreach (var (name, tensor) in tensors)
        {
            using var scope = torch.NewDisposeScope();
            var cpu = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
            data.Add((name, cpu.shape, cpu.data<float>().ToArray()));
        }

        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (name, shape, values) in data)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + 4L * values.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += 4L * values.Length;
            }
            json.WriteEndObject();
        }
        var headerBytes = header.ToArray().ToList();
        while (headerBytes.Count % 8 != 0) headerBytes.Add((byte)' ');

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Count);
            stream.Write(length);
            stream.Write(headerBytes.ToArray());
            var buffer = new byte[4];
            foreach (var (_, _, values) in data)
            {
                if (BitConverter.IsLittleEndian)
                {
                    stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                    continue;
                }
                foreach (var v in values)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                    stream.Write(buffer);
                }
            }
        });
    }
}
