namespace VL2V.Distillation.Clip;

/// <summary>OpenAI's <c>build_model(state_dict)</c> size inference, with errors that name the missing key.</summary>
internal static class ClipConfigInference
{
    public static ClipConfig Infer(IReadOnlyDictionary<string, Tensor> sd, ClipActivation activation, int? transformerHeads)
    {
        ArgumentNullException.ThrowIfNull(sd);
        long[] Shape(string key) => sd.TryGetValue(key, out var t)
            ? t.shape
            : throw new InvalidDataException(
                $"Cannot infer the CLIP configuration: the state dict has no '{key}'. Is it an OpenAI-named CLIP state dict? " +
                "Pass a ClipConfig explicitly otherwise.");
        int Blocks(string prefix, int segment) => sd.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Split('.')[segment]).Distinct().Count();
        int GridSide(long tokens, string key)
        {
            int side = (int)Math.Round(Math.Sqrt(tokens - 1));
            if (side * side + 1 != tokens)
            {
                throw new InvalidDataException($"Cannot infer the CLIP configuration: '{key}' has {tokens} rows, not a square grid plus one.");
            }
            return side;
        }

        ClipConfig config;
        int textWidth = (int)Shape("ln_final.weight")[0];
        var common = new
        {
            EmbedDim = (int)Shape("text_projection")[1],
            ContextLength = (int)Shape("positional_embedding")[0],
            VocabSize = (int)Shape("token_embedding.weight")[0],
            TransformerLayers = Blocks("transformer.resblocks.", 2),
        };
        int heads = transformerHeads ?? textWidth / 64;
        if (sd.ContainsKey("visual.proj"))
        {
            var conv = Shape("visual.conv1.weight");
            int patch = (int)conv[^1];
            int grid = GridSide(Shape("visual.positional_embedding")[0], "visual.positional_embedding");
            config = new ClipConfig
            {
                EmbedDim = common.EmbedDim,
                ImageResolution = patch * grid,
                VisionLayers = [sd.Keys.Count(k => k.StartsWith("visual.", StringComparison.Ordinal) && k.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal))],
                VisionWidth = (int)conv[0],
                VisionPatchSize = patch,
                ContextLength = common.ContextLength,
                VocabSize = common.VocabSize,
                TransformerWidth = textWidth,
                TransformerHeads = heads,
                TransformerLayers = common.TransformerLayers,
                Activation = activation,
            };
        }
        else
        {
            int grid = GridSide(Shape("visual.attnpool.positional_embedding")[0], "visual.attnpool.positional_embedding");
            config = new ClipConfig
            {
                EmbedDim = common.EmbedDim,
                ImageResolution = grid * 32,
                VisionLayers = [.. Enumerable.Range(1, 4).Select(b => Blocks($"visual.layer{b}.", 2))],
                VisionWidth = (int)Shape("visual.layer1.0.conv1.weight")[0],
                VisionPatchSize = null,
                ContextLength = common.ContextLength,
                VocabSize = common.VocabSize,
                TransformerWidth = textWidth,
                TransformerHeads = heads,
                TransformerLayers = common.TransformerLayers,
                Activation = activation,
            };
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException(
                "The CLIP configuration inferred from the state dict is invalid (text heads are guessed as width / 64 " +
                "and vision heads as width / 64, which fails for small models): " + ex.Message +
                Environment.NewLine + "Pass the ClipConfig (or transformerHeads) explicitly.", ex);
        }
        return config;
    }
}
