using System.Buffers.Binary;
using System.Text.Json;

namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// Reads a <c>.safetensors</c> file (8-byte little-endian header length, JSON header, raw little-endian data) and
/// validates it completely before allocating any tensor, so that a truncated or hostile file fails fast with a
/// message instead of a huge allocation or a native crash.
/// </summary>
internal static class SafetensorsReader
{
    private const string Supported = "F32, F16, BF16, F64, I64, I32, U8, BOOL";

    private sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>Tensors larger than this are read in pieces (a span addresses at most 2 GiB).</summary>
    internal const long DefaultChunkBytes = 1L << 30;

    public static Dictionary<string, Tensor> Read(string path, FileStream stream, long maxHeaderBytes, long chunkBytes = DefaultChunkBytes)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(path, $"the file is {fileLength} bytes long, shorter than the 8-byte header length field");
        }
        Span<byte> lengthField = stackalloc byte[8];
        stream.ReadExactly(lengthField);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        if (headerLength > (ulong)maxHeaderBytes)
        {
            throw Invalid(path, $"the header length field says {headerLength} bytes, more than the limit of {maxHeaderBytes} bytes");
        }
        if ((long)headerLength > fileLength - 8)
        {
            throw Invalid(path, $"the header length field says {headerLength} bytes but only {fileLength - 8} bytes follow it (truncated file?)");
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;
        var entries = ParseHeader(path, header, dataLength);

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            long dataStart = 8 + (long)headerLength;
            foreach (var e in entries)
            {
                var t = torch.empty(e.Shape, e.DType);
                result.Add(e.Name, t);
                if (e.End == e.Begin) continue;
                stream.Seek(dataStart + e.Begin, SeekOrigin.Begin);
                ReadInto(stream, t, e.End - e.Begin, chunkBytes);
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    private static void ReadInto(FileStream stream, Tensor t, long byteCount, long chunkBytes)
    {
        if (byteCount <= chunkBytes)
        {
            stream.ReadExactly(t.bytes);
            return;
        }
        long itemSize = byteCount / t.numel();
        long chunkElements = Math.Max(1, chunkBytes / itemSize);
        using var flat = t.view(-1);
        for (long start = 0; start < flat.shape[0]; start += chunkElements)
        {
            using var piece = flat.narrow(0, start, Math.Min(chunkElements, flat.shape[0] - start));
            stream.ReadExactly(piece.bytes);
        }
    }

    private static List<Entry> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"the header is not valid UTF-8 JSON ({ex.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header must be a JSON object but is a JSON {doc.RootElement.ValueKind}");
            }
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Invalid(path, $"the header lists '{property.Name}' twice");
                if (property.Name == "__metadata__")
                {
                    CheckMetadata(path, property.Value);
                    continue;
                }
                entries.Add(ParseEntry(path, property.Name, property.Value));
            }
            CheckLayout(path, entries, dataLength);
            return entries;
        }
    }

    private static void CheckMetadata(string path, JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"'__metadata__' must be a JSON object of strings but is a JSON {metadata.ValueKind}");
        }
        foreach (var item in metadata.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"'__metadata__' entry '{item.Name}' must be a string but is a JSON {item.Value.ValueKind}");
            }
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"tensor '{name}' must be described by a JSON object with dtype, shape and data_offsets");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path, $"tensor '{name}' has no string 'dtype'");
        }
        string dtypeName = dtypeElement.GetString()!;
        var dtype = DType(dtypeName) ?? throw Invalid(path,
            $"tensor '{name}' has dtype '{dtypeName}', which is not supported (supported: {Supported})");

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}' has no 'shape' array");
        }
        var shape = new long[shapeElement.GetArrayLength()];
        long numel = 1;
        int i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0)
            {
                throw Invalid(path, $"tensor '{name}' has shape {shapeElement.GetRawText()}; every dimension must be a non-negative integer");
            }
            shape[i++] = d;
            // Saturate instead of overflowing: any product this large is rejected by the offset check below.
            numel = d == 0 || numel == 0 ? 0 : (numel > long.MaxValue / d ? long.MaxValue : numel * d);
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
        {
            throw Invalid(path, $"tensor '{name}' has no 'data_offsets' array of two integers");
        }
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw Invalid(path, $"tensor '{name}' has data_offsets {offsets.GetRawText()}; they must be integers with 0 <= begin <= end");
        }
        long itemSize = ItemSize(dtype);
        long expectedBytes = numel > long.MaxValue / itemSize ? long.MaxValue : numel * itemSize;
        if (end - begin != expectedBytes)
        {
            throw Invalid(path,
                $"tensor '{name}' ({dtypeName} {shapeElement.GetRawText()}) needs {expectedBytes} bytes but its data_offsets [{begin}, {end}] span {end - begin}");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void CheckLayout(string path, List<Entry> entries, long dataLength)
    {
        // The reference implementation requires the tensors to tile the data section exactly: no gaps, no overlap.
        long position = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != position)
            {
                throw Invalid(path, e.Begin < position
                    ? $"tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps the tensor before it, which ends at byte {position}"
                    : $"there is a gap in the data section before tensor '{e.Name}' (bytes {position}..{e.Begin} belong to no tensor)");
            }
            position = e.End;
        }
        if (position != dataLength)
        {
            throw Invalid(path, position > dataLength
                ? $"the tensors need {position} data bytes but the file holds {dataLength} after the header (truncated file?)"
                : $"the file holds {dataLength} data bytes after the header but the tensors account for only {position}");
        }
    }

    private static ScalarType? DType(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => null,
    };

    private static long ItemSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        _ => 1,
    };

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"Cannot read safetensors file '{path}': {problem}.");
}
