namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// Strict loading of a state dict into a TorchSharp module: keys and shapes are compared first and every difference
/// is reported at once in a <see cref="CheckpointMismatchException"/> (instead of TorchSharp's generic error at the
/// first bad key); values are then copied into the module's own tensors, converted to their dtype and device.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Copies every tensor of <paramref name="stateDict"/> into the parameter or buffer of the same name.</summary>
    /// <param name="module">The module; its parameters and persistent buffers (<c>module.state_dict()</c>) are overwritten in place, keeping their dtype and device.</param>
    /// <param name="stateDict">Tensors by key, e.g. from <see cref="StateDictFile.Read(string, StateDictReadOptions?)"/>; any dtype (floating into floating, integer into integer), any device. Not modified or disposed.</param>
    /// <param name="source">The file or other origin of the state dict, named in error messages.</param>
    /// <param name="target">What the module is, named in error messages; the module's name when <see langword="null"/>.</param>
    /// <param name="fix">How to fix a mismatch, appended to the message; a generic hint when <see langword="null"/>.</param>
    /// <exception cref="CheckpointMismatchException">Keys are missing or unexpected, or shapes differ; nothing was copied.</exception>
    /// <exception cref="InvalidDataException">A tensor's dtype kind differs (e.g. a floating value for an integer buffer); nothing was copied.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, string source,
                            string? target = null, string? fix = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentException.ThrowIfNullOrEmpty(source);
        target ??= module.GetName();
        var own = module.state_dict();

        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var wrongShape = own.Where(kv => stateDict.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => new TensorShapeMismatch(kv.Key, kv.Value.shape, stateDict[kv.Key].shape))
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            throw new CheckpointMismatchException(source, target, missing, unexpected, wrongShape, fix);
        }

        foreach (var (key, destination) in own)
        {
            var value = stateDict[key];
            if (Kind(value.dtype) != Kind(destination.dtype))
            {
                throw new InvalidDataException(
                    $"Checkpoint '{source}' stores '{key}' as {value.dtype} but {target} holds it as {destination.dtype}; " +
                    "a floating-point, integer or bool tensor can only be loaded into one of the same kind.");
            }
        }
        using (torch.no_grad())
        {
            foreach (var (key, destination) in own)
            {
                destination.copy_(stateDict[key]);
            }
        }
    }

    private static int Kind(ScalarType dtype) => dtype switch
    {
        ScalarType.Bool => 0,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 => 1,
        ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 => 2,
        _ => 3,
    };
}
