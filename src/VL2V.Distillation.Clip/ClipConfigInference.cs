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

        int textWidth = (int)Shape("ln_final.weight")[0];
        (int Resolution, IReadOnlyList<int> Layers, int Width, int? Patch) vision;
        if (sd.ContainsKey("visual.proj"))
        {
            var conv = Shape("visual.conv1.weight");
            int patch = (int)conv[^1];
            int grid = GridSide(Shape("visual.positional_embedding")[0], "visual.positional_embedding");
            int blocks = sd.Keys.Count(k => k.StartsWith("visual.", StringComparison.Ordinal) && k.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal));
            vision = (patch * grid, [blocks], (int)conv[0], patch);
        }
        else
        {
            int grid = GridSide(Shape("visual.attnpool.positional_embedding")[0], "visual.attnpool.positional_embedding");
            vision = (grid * 32, [.. Enumerable.Range(1, 4).Select(b => Blocks($"visual.layer{b}.", 2))],
                      (int)Shape("visual.layer1.0.conv1.weight")[0], null);
        }
        var config = new ClipConfig
        {
            EmbedDim = (int)Shape("text_projection")[1],
            ImageResolution = vision.Resolution,
            VisionLayers = vision.Layers,
            VisionWidth = vision.Width,
            VisionPatchSize = vision.Patch,
            ContextLength = (int)Shape("positional_embedding")[0],
            VocabSize = (int)Shape("token_embedding.weight")[0],
            TransformerWidth = textWidth,
            TransformerHeads = transformerHeads ?? textWidth / 64,
            TransformerLayers = Blocks("transformer.resblocks.", 2),
            Activation = activation,
        };
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
