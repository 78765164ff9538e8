using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// A validated embedding file in the safetensors layout of docs/teacher-cache.md: tensors <c>image_embeds</c>
/// <c>[N, D]</c> and/or <c>class_text</c> <c>[C, D]</c> (F32 or F16), with the row keys and class names as JSON
/// arrays in <c>__metadata__</c>. Only the header is read at open; rows are read on demand.
/// </summary>
internal sealed class EmbeddingFile
{
    public const string Format = "vl2v-teacher-embeddings";
    public const string ImageTensor = "image_embeds";
    public const string ClassTensor = "class_text";
    public const string KeysEntry = "keys";
    public const string ClassNamesEntry = "class_names";
    public const string FingerprintEntry = "fingerprint";
    public const string LogitScaleEntry = "logit_scale";
    private const long MaxHeaderBytes = 512L << 20;

    private EmbeddingFile(string path, SafetensorsReader.Header header, IReadOnlyList<string> keys, IReadOnlyList<string> classNames)
    {
        FilePath = path;
        Header = header;
        Keys = keys;
        ClassNames = classNames;
        Image = header.Entries.FirstOrDefault(e => e.Name == ImageTensor);
        ClassText = header.Entries.FirstOrDefault(e => e.Name == ClassTensor);
    }

    public string FilePath { get; }

    public SafetensorsReader.Header Header { get; }

    public SafetensorsReader.Entry? Image { get; }

    public SafetensorsReader.Entry? ClassText { get; }

    /// <summary>The row keys of <c>image_embeds</c> (empty when the file has none).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The class names of <c>class_text</c> (empty when the file has none).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public string? Metadata(string name) => Header.Metadata.TryGetValue(name, out var v) ? v : null;

    /// <summary>Opens and validates a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="verifyData">Hash the data section and compare it with the stored <c>data_sha256</c>, when there is one.</param>
    /// <param name="fix">The sentence appended to every error, saying how to repair the file.</param>
    /// <exception cref="InvalidDataException">The file is not a valid embedding file; the message names it.</exception>
    public static EmbeddingFile Open(string path, bool verifyData, string fix)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            var header = SafetensorsReader.ReadHeader(path, stream, MaxHeaderBytes);
            string? format = header.Metadata.GetValueOrDefault("format");
            if (format is not null && format != Format)
                throw Invalid(path, $"its metadata says format '{format}', expected '{Format}'", fix);
            var image = header.Entries.FirstOrDefault(e => e.Name == ImageTensor);
            var classText = header.Entries.FirstOrDefault(e => e.Name == ClassTensor);
            if (image is null && classText is null)
                throw Invalid(path, $"it holds neither '{ImageTensor}' nor '{ClassTensor}' (tensors: {string.Join(", ", header.Entries.Select(e => e.Name))})", fix);
            long dim = -1;
            foreach (var e in new[] { image, classText }.OfType<SafetensorsReader.Entry>())
            {
                if (e.Shape.Length != 2 || (e.DType != ScalarType.Float32 && e.DType != ScalarType.Float16))
                    throw Invalid(path, $"tensor '{e.Name}' is {e.DType} [{string.Join(", ", e.Shape)}], expected F32 or F16 of rank 2", fix);
                if (dim >= 0 && e.Shape[1] != dim)
                    throw Invalid(path, $"'{ImageTensor}' has D = {dim} but '{ClassTensor}' has D = {e.Shape[1]}; both come from one teacher", fix);
                dim = e.Shape[1];
            }
            IReadOnlyList<string> keys = image is null ? [] : StringArray(path, header, KeysEntry, image.Shape[0], "row of " + ImageTensor, fix);
            IReadOnlyList<string> names = classText is null ? [] : StringArray(path, header, ClassNamesEntry, classText.Shape[0], "row of " + ClassTensor, fix);
            if (verifyData && header.Metadata.TryGetValue(SafetensorsWriter.DataSha256, out var expected))
            {
                stream.Seek(header.DataStart, SeekOrigin.Begin);
                string actual = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
                if (actual != expected)
                    throw Invalid(path, $"its data does not match the SHA-256 in its header (stored {expected}, computed {actual}); the file was damaged after it was written", fix);
            }
            return new EmbeddingFile(path, header, keys, names);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("Teacher embedding file", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Teacher embedding file '{path}' is invalid: {e.Message} {fix}", e);
        }
    }

    /// <summary>Copies rows of <c>image_embeds</c> in the stored dtype into <paramref name="destination"/>.</summary>
    public void ReadRow(SafeFileHandle handle, long row, Span<byte> destination)
    {
        var image = Image!;
        long rowBytes = image.Shape[1] * SafetensorsReader.ItemSize(image.DType);
        int read = RandomAccess.Read(handle, destination, Header.DataStart + image.Begin + row * rowBytes);
        if (read != destination.Length)
            throw new InvalidDataException($"Teacher embedding file '{FilePath}' became shorter while open (row {row} could not be read).");
    }

    /// <summary>Reads a whole tensor as float32.</summary>
    public Tensor ReadFloat32(SafetensorsReader.Entry entry)
    {
        using var stored = torch.empty(entry.Shape, entry.DType);
        using (var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16))
        {
            stream.Seek(Header.DataStart + entry.Begin, SeekOrigin.Begin);
            stream.ReadExactly(stored.bytes);
        }
        return stored.to_type(ScalarType.Float32);
    }

    public static string JsonArray(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());

    private static IReadOnlyList<string> StringArray(string path, SafetensorsReader.Header header, string entry, long count, string what, string fix)
    {
        if (!header.Metadata.TryGetValue(entry, out var json))
            throw Invalid(path, $"its '__metadata__' has no '{entry}' entry (a JSON array of {count} strings, one per {what})", fix);
        string[]? values;
        try
        {
            values = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"metadata '{entry}' is not a JSON array of strings ({e.Message})", fix);
        }
        if (values is null || values.Any(v => v is null))
            throw Invalid(path, $"metadata '{entry}' is not a JSON array of strings", fix);
        if (values.Length != count)
            throw Invalid(path, $"metadata '{entry}' lists {values.Length} strings but the tensor has {count} rows", fix);
        var duplicate = values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw Invalid(path, $"metadata '{entry}' lists '{duplicate.Key}' {duplicate.Count()} times; every {what} needs its own key", fix);
        return values;
    }

    private static InvalidDataException Invalid(string path, string problem, string fix) =>
        new($"Teacher embedding file '{path}' is invalid: {problem}. {fix}");
}
