using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Clip.Modules;

namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>
/// Loads CLIP weights into a <see cref="ClipModel"/>: OpenAI and open_clip state dicts (<c>torch.save</c> ZIP or
/// <c>.safetensors</c>, possibly wrapped in <c>{"state_dict": …}</c> and with a <c>module.</c> prefix), Hugging Face
/// <c>CLIPModel</c> weights (with the <c>config.json</c> beside them), and OpenAI's TorchScript archives.
/// </summary>
public static class ClipCheckpoint
{
    private static readonly ClipCheckpointOptions Defaults = new();

    /// <summary>Reads a weight file, builds the model and loads it strictly; the model is returned in eval mode.</summary>
    /// <param name="path">The weight file.</param>
    /// <param name="config">
    /// The architecture. When <see langword="null"/>: for Hugging Face weights the <c>config.json</c> in the same folder;
    /// otherwise inferred from the tensor shapes like OpenAI's <c>build_model</c> (QuickGELU, text heads = width / 64), which
    /// fits OpenAI's released models. Pass it for small or open_clip models (open_clip's non-<c>quickgelu</c> models use GELU).
    /// </param>
    /// <param name="options">Dtype and device; float32 on the CPU when <see langword="null"/>.</param>
    /// <returns>The loaded model, in eval mode, with parameters in <see cref="ClipCheckpointOptions.DType"/> on <see cref="ClipCheckpointOptions.Device"/>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read, or the configuration cannot be determined.</exception>
    /// <exception cref="CheckpointMismatchException">The weights do not fit the configuration: missing, unexpected or wrongly shaped keys are listed.</exception>
    public static ClipModel Load(string path, ClipConfig? config = null, ClipCheckpointOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= Defaults;
        if (!File.Exists(path)) throw new FileNotFoundException($"The CLIP weight file '{path}' does not exist.", path);

        var raw = TorchScriptWeights.IsTorchScript(path) ? TorchScriptWeights.Read(path) : StateDictFile.Read(path);
        Dictionary<string, Tensor>? weights = null;
        try
        {
            bool hf = ClipKeyMap.IsHuggingFace(raw);
            weights = ClipKeyMap.Normalize(raw);
            config ??= hf ? HuggingFaceConfig(path) : ClipConfig.InferFromStateDict(weights);
            CheckResolution(path, raw, config);

            var model = new ClipModel(config, options.Device, options.DType, initialize: false);
            try
            {
                StateDictLoader.Load(model, weights, path, target: $"ClipModel {config}",
                    fix: hf
                        ? "Check that the config.json beside the weights describes them, or pass the ClipConfig."
                        : "Pass the ClipConfig that matches the checkpoint (e.g. a ClipPresets entry or ClipConfig.FromJsonFile of its model config).");
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.eval();
            return model;
        }
        finally
        {
            var distinct = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            foreach (var t in raw.Values) distinct.Add(t);
            if (weights is not null)
            {
                foreach (var t in weights.Values) distinct.Add(t);
            }
            foreach (var t in distinct) t.Dispose();
        }
    }

    private static ClipConfig HuggingFaceConfig(string path)
    {
        string configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException(
                $"'{path}' holds Hugging Face CLIPModel weights, whose architecture is in the config.json beside them, but '{configPath}' does not exist. " +
                "Put the model's config.json there or pass the ClipConfig.");
        }
        return ClipConfig.FromJsonFile(configPath);
    }

    // TorchScript archives record the image size as a 0-dim buffer; it must agree with the configuration.
    private static void CheckResolution(string path, Dictionary<string, Tensor> raw, ClipConfig config)
    {
        if (raw.TryGetValue("input_resolution", out var r) && r.dim() == 0 && !r.is_floating_point()
            && r.item<long>() != config.ImageResolution)
        {
            throw new InvalidDataException(
                $"'{path}' was traced for {r.item<long>()}-pixel images but the configuration says ImageResolution = {config.ImageResolution}. Pass the matching ClipConfig.");
        }
    }
}
