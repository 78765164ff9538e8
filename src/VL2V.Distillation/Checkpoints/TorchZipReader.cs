using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;

namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// Reads a <c>torch.save</c> ZIP archive (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>) through TorchSharp.PyBridge's
/// unpickler, after checking the archive's structure, and turns every failure into an
/// <see cref="InvalidDataException"/> naming the file.
/// </summary>
internal static class TorchZipReader
{
    private static readonly string[] WrapperKeys = ["state_dict", "model"];

    public static Dictionary<string, Tensor> Read(string path, FileStream stream, long maxPickleBytes)
    {
        CheckArchive(path, stream, maxPickleBytes);
        // First pass without reading tensor data: every tensor must fit in the file before any memory is allocated.
        CheckTensorExtents(path, Unpickle(path, stream, skipTensorRead: true), stream.Length);
        return ToStateDict(path, Unpickle(path, stream, skipTensorRead: false));
    }

    private static Hashtable Unpickle(string path, FileStream stream, bool skipTensorRead)
    {
        stream.Seek(0, SeekOrigin.Begin);
        try
        {
            return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead);
        }
        catch (InvalidCastException ex) when (ex.Message.Contains(nameof(Hashtable), StringComparison.Ordinal))
        {
            throw Invalid(path, "the pickled object is not a dictionary, so it is not a state dict; " +
                                "save the weights with torch.save(model.state_dict(), path)", ex);
        }
        catch (Exception ex)
        {
            throw Invalid(path, $"unpickling data.pkl failed ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    /// <summary>
    /// With <c>skipTensorRead</c>, PyBridge returns its (internal) tensor descriptors instead of tensors; their public
    /// <c>Shape</c>, <c>Stride</c>, <c>StorageOffset</c> and <c>DType</c> give the bytes each tensor will address.
    /// </summary>
    private static void CheckTensorExtents(string path, Hashtable table, long fileLength)
    {
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is Hashtable nested)
            {
                CheckTensorExtents(path, nested, fileLength);
                continue;
            }
            var type = entry.Value?.GetType();
            if (type?.GetProperty("Shape")?.GetValue(entry.Value) is not long[] shape
                || type.GetProperty("DType")?.GetValue(entry.Value) is not ScalarType dtype) continue;
            long[] stride = type.GetProperty("Stride")?.GetValue(entry.Value) as long[] ?? [];
            long offset = type.GetProperty("StorageOffset")?.GetValue(entry.Value) is int o ? o : 0;
            long elements = Extent(shape, stride, offset);
            long itemSize = ItemSize(dtype);
            if (elements < 0 || elements > fileLength / itemSize)
            {
                throw Invalid(path,
                    $"tensor '{entry.Key}' [{string.Join(", ", shape)}] {dtype} addresses more bytes than the whole file holds ({fileLength}); the archive is corrupt or hostile");
            }
        }
    }

    /// <summary>Elements a strided view reaches: offset + Σ (size-1)·stride + 1 (0 for an empty tensor); -1 on overflow or negative values.</summary>
    private static long Extent(long[] shape, long[] stride, long offset)
    {
        if (offset < 0 || shape.Any(d => d < 0) || stride.Any(s => s < 0)) return -1;
        if (shape.Any(d => d == 0)) return 0;
        try
        {
            long last = offset;
            for (int i = 0; i < shape.Length; i++)
            {
                long s = i < stride.Length ? stride[i] : 1;
                last = checked(last + (shape[i] - 1) * s);
            }
            long numel = shape.Aggregate(1L, (a, d) => checked(a * d));
            return Math.Max(checked(last + 1), numel);
        }
        catch (OverflowException)
        {
            return -1;
        }
    }

    private static long ItemSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static void CheckArchive(string path, FileStream stream, long maxPickleBytes)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw Invalid(path, $"it starts like a ZIP archive but its directory cannot be read ({ex.Message}); the file is truncated or corrupt", ex);
        }
        using (archive)
        {
            var entries = archive.Entries;
            var pickles = entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                             && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
            {
                throw Invalid(path, pickles.Count == 0
                    ? "the ZIP archive has no '<root>/data.pkl' record, so it was not written by torch.save"
                    : $"the ZIP archive has {pickles.Count} '<root>/data.pkl' records; torch.save writes exactly one");
            }
            string root = pickles[0].FullName[..^"data.pkl".Length];
            if (entries.Any(e => e.FullName == root + "constants.pkl" || e.FullName.StartsWith(root + "code/", StringComparison.Ordinal)))
            {
                throw Invalid(path, "it is a TorchScript archive (torch.jit.save), not a torch.save state dict; " +
                                    "load it with torch.jit.load or a model-specific loader, or re-save it with torch.save(model.state_dict(), path)");
            }
            if (pickles[0].Length > maxPickleBytes)
            {
                throw Invalid(path, $"its data.pkl record is {pickles[0].Length} bytes, more than the limit of {maxPickleBytes} bytes");
            }
            foreach (var e in entries)
            {
                // torch.save stores records uncompressed; a record that claims to inflate far beyond the file is a zip bomb.
                if (e.Length > stream.Length && e.Length > 1000 * Math.Max(1, e.CompressedLength))
                {
                    throw Invalid(path, $"record '{e.FullName}' claims {e.Length} bytes from {e.CompressedLength} compressed bytes");
                }
            }
        }
    }

    private static Dictionary<string, Tensor> ToStateDict(string path, Hashtable root)
    {
        if (TryTensors(root, out var direct)) return direct;
        foreach (var key in WrapperKeys)
        {
            if (root[key] is Hashtable inner && TryTensors(inner, out var wrapped)) return wrapped;
        }
        var keys = root.Keys.Cast<object>().Select(k => k?.ToString() ?? "None").Order(StringComparer.Ordinal).ToList();
        throw Invalid(path,
            $"the pickle is a dictionary with keys [{string.Join(", ", keys.Take(8))}{(keys.Count > 8 ? ", …" : "")}] that are not all tensors " +
            "and it has no 'state_dict' or 'model' entry holding one; save the weights with torch.save(model.state_dict(), path)");
    }

    private static bool TryTensors(Hashtable table, out Dictionary<string, Tensor> result)
    {
        result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (table.Count == 0) return false;
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor) return false;
            result[key] = tensor;
        }
        return true;
    }

    private static InvalidDataException Invalid(string path, string problem, Exception? inner = null) =>
        new($"Cannot read PyTorch checkpoint '{path}': {problem}.", inner);
}
