using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// Writes <c>.safetensors</c> files (the layout <see cref="SafetensorsReader"/> reads) to a temporary name in the target
/// folder, flushed to disk, then renamed, so that a reader sees either the complete file or none.
/// </summary>
internal static class SafetensorsWriter
{
    /// <summary>The metadata entry holding the lowercase hex SHA-256 of the data section.</summary>
    public const string DataSha256 = "data_sha256";

    /// <summary>Writes the tensors (sorted by name) to <paramref name="path"/> atomically, replacing an existing file.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
        WriteFile(path, ordered, metadata ?? new Dictionary<string, string>(), overwrite: true);
    }

    /// <summary>Writes the tensors and metadata to <paramref name="path"/> atomically unless it exists.</summary>
    /// <param name="path">The final file; must not exist.</param>
    /// <param name="tensors">The tensors in file order; made contiguous and copied to the CPU.</param>
    /// <param name="metadata">The <c>__metadata__</c> strings; a <see cref="DataSha256"/> entry is added.</param>
    /// <returns>False when <paramref name="path"/> already existed (nothing is written), true otherwise.</returns>
    public static bool TryWriteNew(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata) =>
        WriteFile(path, tensors, metadata, overwrite: false);

    private static bool WriteFile(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata, bool overwrite)
    {
        var data = new List<byte[]>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            SafetensorsReader.DTypeName(tensor.dtype, name); // fail before writing anything
            using var cpu = tensor.detach().cpu().contiguous();
            data.Add(cpu.bytes.ToArray());
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var bytes in data) sha.AppendData(bytes);

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteString(DataSha256, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant());
            json.WriteEndObject();
            long offset = 0;
            for (int i = 0; i < tensors.Count; i++)
            {
                var (name, tensor) = tensors[i];
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsReader.DTypeName(tensor.dtype, name));
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data[i].Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data[i].Length;
            }
            json.WriteEndObject();
        }
        // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $"{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)buffer.Length);
                stream.Write(length);
                buffer.Position = 0;
                buffer.CopyTo(stream);
                foreach (var bytes in data) stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                return true;
            }
            if (File.Exists(path)) return false;
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                return false; // another writer won the race; its file is complete
            }
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
