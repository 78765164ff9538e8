using System.IO.Compression;

namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>
/// Reads the parameters and buffers of a TorchScript archive (OpenAI's released <c>.pt</c> CLIP files): with
/// libtorch's <c>torch.jit.load</c>, or, where that fails, from <c>data.pkl</c> and <c>data/*</c> directly (the
/// archive's <c>data.pkl</c> is a module tree, not a state dict, so state-dict readers do not apply).
/// </summary>
internal static class TorchScriptWeights
{
    /// <summary>Whether the file is a ZIP archive with TorchScript records (<c>&lt;root&gt;/constants.pkl</c> or <c>&lt;root&gt;/code/</c>).</summary>
    public static bool IsTorchScript(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || magic[0] != 0x50 || magic[1] != 0x4B) return false;
        stream.Seek(0, SeekOrigin.Begin);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            return zip.Entries.Any(e =>
            {
                int slash = e.FullName.IndexOf('/');
                if (slash < 0) return false;
                string rest = e.FullName[(slash + 1)..];
                return rest == "constants.pkl" || rest.StartsWith("code/", StringComparison.Ordinal);
            });
        }
        catch (InvalidDataException)
        {
            return false; // not a readable ZIP: StateDictFile reports it properly
        }
    }

    private const long MaxPickleBytes = 64L << 20;

    /// <summary>The archive's <c>state_dict()</c> (parameters and buffers, dotted names), on the CPU.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        try
        {
            return ReadWithLibTorch(path);
        }
        catch (Exception jitError)
        {
            try
            {
                return ReadPickled(path);
            }
            catch (InvalidDataException pickleError)
            {
                throw new InvalidDataException(
                    $"Cannot read TorchScript archive '{path}': torch.jit.load failed ({jitError.GetType().Name}: {jitError.Message}) " +
                    $"and reading data.pkl directly failed ({pickleError.Message}).", jitError);
            }
        }
    }

    /// <summary><c>torch.jit.load(path).state_dict()</c>, copied so that the script module can be released.</summary>
    internal static Dictionary<string, Tensor> ReadWithLibTorch(string path)
    {
        using var module = torch.jit.load(path, DeviceType.CPU);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in module.state_dict())
        {
            result[key] = tensor.detach().clone();
        }
        return result;
    }

    /// <summary>
    /// The tensors of the module tree in <c>data.pkl</c>, named by joining attribute names with dots (depth first, in
    /// stored order: the names of <c>state_dict()</c>), read from the <c>data/</c> records without running any code.
    /// </summary>
    internal static Dictionary<string, Tensor> ReadPickled(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                 && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1) throw new InvalidDataException($"the archive has {pickles.Count} '<root>/data.pkl' records instead of one");
            if (pickles[0].Length > MaxPickleBytes) throw new InvalidDataException($"data.pkl is {pickles[0].Length} bytes, more than the limit of {MaxPickleBytes}");
            string root = pickles[0].FullName[..^"data.pkl".Length];
            var pickle = new byte[pickles[0].Length];
            using (var s = pickles[0].Open()) s.ReadExactly(pickle);

            var refs = new List<(string Name, TorchScriptPickle.TensorRef Ref)>();
            Collect(TorchScriptPickle.Load(pickle) as TorchScriptPickle.PyObject
                    ?? throw new InvalidDataException("data.pkl does not hold a TorchScript module"), "", refs, depth: 0);

            var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            try
            {
                foreach (var (name, r) in refs)
                {
                    if (!storages.TryGetValue(r.Storage.Key, out var storage))
                    {
                        storages[r.Storage.Key] = storage = ReadStorage(zip, root, r.Storage);
                    }
                    CheckExtent(name, r);
                    result[name] = storage.as_strided(r.Shape, r.Stride, r.Offset).clone();
                }
                return result;
            }
            finally
            {
                foreach (var t in storages.Values) t.Dispose();
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith("Cannot read", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Cannot read TorchScript archive '{path}': {ex.Message}.", ex);
        }
    }

    private static void Collect(TorchScriptPickle.PyObject module, string prefix,
                                List<(string, TorchScriptPickle.TensorRef)> refs, int depth)
    {
        if (depth > 64) throw new InvalidDataException("the module tree is deeper than 64 levels");
        foreach (var (key, value) in module.State?.Items ?? [])
        {
            if (key is not string name) continue;
            switch (value)
            {
                case TorchScriptPickle.TensorRef tensor: refs.Add((prefix + name, tensor)); break;
                case TorchScriptPickle.PyObject child: Collect(child, prefix + name + ".", refs, depth + 1); break;
            }
        }
    }

    private static Tensor ReadStorage(ZipArchive zip, string root, TorchScriptPickle.Storage storage)
    {
        var dtype = storage.StorageType switch
        {
            "FloatStorage" => ScalarType.Float32,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "DoubleStorage" => ScalarType.Float64,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ByteStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            var other => throw new InvalidDataException($"storage '{storage.Key}' has the unsupported type '{other}'"),
        };
        var entry = zip.GetEntry(root + "data/" + storage.Key)
                    ?? throw new InvalidDataException($"the record '{root}data/{storage.Key}' of a tensor storage is missing");
        long itemSize = dtype switch
        {
            ScalarType.Float64 or ScalarType.Int64 => 8,
            ScalarType.Float32 or ScalarType.Int32 => 4,
            ScalarType.Float16 or ScalarType.BFloat16 => 2,
            _ => 1,
        };
        // The record length bounds the allocation: a storage must be exactly as long as its record.
        if (storage.Numel > entry.Length / itemSize || storage.Numel * itemSize != entry.Length || entry.Length > int.MaxValue)
        {
            throw new InvalidDataException(
                $"storage '{storage.Key}' claims {storage.Numel} {storage.StorageType} elements but its record holds {entry.Length} bytes");
        }
        var t = torch.empty(storage.Numel, dtype);
        using var s = entry.Open();
        s.ReadExactly(t.bytes);
        return t;
    }

    private static void CheckExtent(string name, TorchScriptPickle.TensorRef r)
    {
        if (r.Offset < 0 || r.Shape.Any(d => d < 0) || r.Stride.Any(d => d < 0))
        {
            throw new InvalidDataException($"tensor '{name}' has a negative size, stride or offset");
        }
        if (r.Shape.Any(d => d == 0)) return;
        long last;
        try
        {
            last = r.Offset + r.Shape.Zip(r.Stride, (d, st) => checked((d - 1) * st)).Aggregate(0L, (a, b) => checked(a + b));
        }
        catch (OverflowException)
        {
            last = long.MaxValue;
        }
        if (last >= r.Storage.Numel)
        {
            throw new InvalidDataException($"tensor '{name}' [{string.Join(", ", r.Shape)}] reaches element {last} of a storage with {r.Storage.Numel}");
        }
    }
}
