namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// Reads PyTorch state dicts (name → tensor) from <c>.safetensors</c> files and <c>torch.save</c> ZIP archives
/// (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>). The format is recognised from the file's first bytes, not its extension.
/// </summary>
/// <remarks>
/// Every problem with the file (truncated, corrupt, hostile, legacy or TorchScript format, a pickle that is not a
/// state dict) becomes an <see cref="InvalidDataException"/> whose message names the file and the problem.
/// safetensors files are validated completely before any tensor is allocated. Tensors are created on the CPU;
/// the caller owns (and disposes) them.
/// </remarks>
public static class StateDictFile
{
    private static readonly StateDictReadOptions Defaults = new();

    /// <summary>Reads every tensor of a weight file.</summary>
    /// <param name="path">A <c>.safetensors</c> file or a <c>torch.save</c> ZIP archive of a state dict, possibly wrapped as <c>{"state_dict": …}</c> or <c>{"model": …}</c>.</param>
    /// <param name="options">Target dtype, prefix handling and size limits; defaults when <see langword="null"/>.</param>
    /// <returns>The tensors by key (ordinal comparison), on the CPU, in the stored dtypes unless <see cref="StateDictReadOptions.FloatingDType"/> is set.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable state dict; the message says why.</exception>
    public static Dictionary<string, Tensor> Read(string path, StateDictReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= Defaults;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The weight file '{path}' does not exist.", path);
        }
        Dictionary<string, Tensor> dict;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16))
        {
            dict = Detect(path, stream, options.MaxHeaderBytes) switch
            {
                Format.TorchZip => TorchZipReader.Read(path, stream, options.MaxHeaderBytes),
                _ => SafetensorsReader.Read(path, stream, options.MaxHeaderBytes),
            };
        }
        if (options.StripModulePrefix) dict = StripPrefix(dict, "module.", path);
        if (options.FloatingDType is { } dtype) ConvertFloating(dict, dtype);
        return dict;
    }

    /// <summary>
    /// Removes <paramref name="prefix"/> from every key that starts with it (e.g. <c>module.</c> from DataParallel
    /// checkpoints). Keys without the prefix are kept as they are. The tensors are moved, not copied.
    /// </summary>
    /// <param name="stateDict">The state dict; not modified.</param>
    /// <param name="prefix">The prefix to remove, e.g. <c>module.</c> or <c>visual.</c>.</param>
    /// <returns>A new dictionary with the renamed keys.</returns>
    /// <exception cref="InvalidDataException">Removing the prefix makes two keys equal (e.g. both <c>module.a</c> and <c>a</c> exist).</exception>
    public static Dictionary<string, Tensor> StripPrefix(IReadOnlyDictionary<string, Tensor> stateDict, string prefix) =>
        StripPrefix(stateDict, prefix, "the state dict");

    private static Dictionary<string, Tensor> StripPrefix(IReadOnlyDictionary<string, Tensor> stateDict, string prefix, string source)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var result = new Dictionary<string, Tensor>(stateDict.Count, StringComparer.Ordinal);
        foreach (var (key, tensor) in stateDict)
        {
            string name = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key;
            if (!result.TryAdd(name, tensor))
            {
                throw new InvalidDataException(
                    $"Cannot remove the prefix '{prefix}' from the keys of {Quote(source)}: two keys become '{name}'. Rename one of them first.");
            }
        }
        return result;
    }

    private static string Quote(string source) => source == "the state dict" ? source : $"'{source}'";

    private static void ConvertFloating(Dictionary<string, Tensor> dict, ScalarType dtype)
    {
        foreach (var key in dict.Keys.ToList())
        {
            var t = dict[key];
            if (!t.is_floating_point() || t.dtype == dtype) continue;
            dict[key] = t.to_type(dtype);
            t.Dispose();
        }
    }

    private enum Format { Safetensors, TorchZip }

    private static Format Detect(string path, FileStream stream, long maxHeaderBytes)
    {
        Span<byte> head = stackalloc byte[9];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Seek(0, SeekOrigin.Begin);
        if (n >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04) return Format.TorchZip;
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            throw new InvalidDataException(
                $"Cannot read PyTorch checkpoint '{path}': it is a bare pickle (the legacy torch.save format of PyTorch < 1.6 " +
                "or _use_new_zipfile_serialization=False), which is not supported. Re-save it with a current PyTorch: " +
                "torch.save(torch.load(path), path) writes the ZIP format.");
        }
        if (n < 9)
        {
            throw new InvalidDataException($"Cannot read weight file '{path}': it is only {n} bytes long, too short for any supported format.");
        }
        // A plausible header length or a JSON object after it: a safetensors file (possibly damaged; the reader says how).
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head[..8]);
        if (head[8] == (byte)'{' || headerLength <= (ulong)Math.Min(maxHeaderBytes, stream.Length - 8)) return Format.Safetensors;
        throw new InvalidDataException(
            $"Cannot read weight file '{path}': it is neither a safetensors file (8-byte header length, then a JSON object) " +
            "nor a torch.save ZIP archive (starts with 'PK'). Supported: .safetensors and torch.save .pt/.pth/.bin.");
    }
}
