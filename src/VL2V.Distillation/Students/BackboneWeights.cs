using System.Collections;
using TorchSharp.PyBridge;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Students;

/// <summary>Reads state-dict files and copies them strictly into backbones.</summary>
internal static class BackboneWeights
{
    /// <summary>
    /// Reads a flat state dict from a <c>.safetensors</c> file or a zip-format <c>torch.save</c> file
    /// (<c>.pt</c>/<c>.pth</c>/<c>.bin</c>). A checkpoint that wraps the weights in <c>{"model": …}</c> or
    /// <c>{"state_dict": …}</c> (DeiT's and many training scripts' layout) is unwrapped, and a <c>module.</c> prefix
    /// (DataParallel) is removed.
    /// </summary>
    /// <remarks>The one place that touches the file format; to be replaced by the shared checkpoint reader.</remarks>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The weights file '{path}' does not exist. Pass the path of a .pt/.pth (torch.save of a state_dict) or .safetensors file.",
                path);
        }
        Dictionary<string, Tensor> raw;
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            raw = Safetensors.LoadStateDict(path);
        }
        else
        {
            Hashtable table;
            try
            {
                table = PyTorchUnpickler.UnpickleStateDict(path);
            }
            catch (Exception e) when (e is NotImplementedException or InvalidOperationException or InvalidDataException
                                          or NotSupportedException or IOException)
            {
                throw new InvalidDataException(
                    $"The weights file '{path}' could not be read as a torch.save state dict ({e.Message}). " +
                    "Save it with torch.save(model.state_dict(), path) (zip format, PyTorch >= 1.6) or as .safetensors.", e);
            }
            raw = Flatten(Unwrap(table), path);
        }
        return StripPrefix(raw, "module.");
    }

    /// <summary>
    /// Copies <paramref name="stateDict"/> into <paramref name="module"/> after checking that its keys and shapes are
    /// exactly the module's; floating-point values are converted to the module's dtype.
    /// </summary>
    /// <exception cref="InvalidDataException">Keys are missing or unexpected, or shapes differ; the message lists them.</exception>
    public static void LoadStrict(
        nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, string source, string target, string? fix)
    {
        var own = module.state_dict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var wrongShape = own.Keys
            .Where(k => stateDict.TryGetValue(k, out var t) && !t.shape.SequenceEqual(own[k].shape))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}: expected {TensorChecks.Shape(own[k])}, file has {TensorChecks.Shape(stateDict[k])}")
            .ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            throw new InvalidDataException(MismatchMessage(source, target, missing, unexpected, wrongShape, fix));
        }
        using var noGrad = torch.no_grad();
        foreach (var (key, destination) in own)
        {
            destination.copy_(stateDict[key]);
        }
    }

    internal static string MismatchMessage(
        string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> wrongShape, string? fix)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing key(s) {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected key(s) {List(unexpected)}");
        if (wrongShape.Count > 0) parts.Add($"{wrongShape.Count} key(s) with the wrong shape {List(wrongShape)}");
        fix ??= "Check that the file holds weights of this architecture and configuration.";
        return $"Weights file '{source}' does not match the {target}: {string.Join(", ", parts)}. {fix}";
    }

    private static string List(IReadOnlyList<string> items) =>
        "[" + string.Join(", ", items.Take(5)) + (items.Count > 5 ? $", … {items.Count - 5} more" : "") + "]";

    private static Hashtable Unwrap(Hashtable table)
    {
        foreach (var wrapper in new[] { "state_dict", "model" })
        {
            if (table[wrapper] is Hashtable inner && !table.Values.OfType<Tensor>().Any()) return inner;
        }
        return table;
    }

    private static Dictionary<string, Tensor> Flatten(Hashtable table, string path)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor)
            {
                throw new InvalidDataException(
                    $"The weights file '{path}' is not a flat state dict: entry '{entry.Key}' holds a {entry.Value?.GetType().Name ?? "null"}, not a tensor. " +
                    "Save model.state_dict() itself, or the dictionary under 'model' / 'state_dict'.");
            }
            result[key] = tensor;
        }
        return result;
    }

    private static Dictionary<string, Tensor> StripPrefix(Dictionary<string, Tensor> raw, string prefix)
    {
        if (raw.Count == 0 || !raw.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))) return raw;
        return raw.ToDictionary(e => e.Key[prefix.Length..], e => e.Value, StringComparer.Ordinal);
    }
}
