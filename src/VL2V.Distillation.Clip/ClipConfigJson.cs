using System.Text.Json;

namespace VL2V.Distillation.Clip;

/// <summary>
/// Reads the three JSON forms a CLIP configuration comes in: OpenAI <c>CLIP(...)</c> constructor arguments,
/// open_clip model configs and Hugging Face <c>CLIPConfig</c>. Absent values take each library's documented defaults.
/// </summary>
internal static class ClipConfigJson
{
    public static ClipConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The CLIP configuration {source} is not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The CLIP configuration {source} must be a JSON object but is a JSON {root.ValueKind}.");
            }
            var reader = new Reader(source);
            ClipConfig config;
            if (root.TryGetProperty("clip_constructor_args", out var args)) config = OpenAi(reader.In(args, "clip_constructor_args"));
            else if (root.TryGetProperty("vision_cfg", out _) || root.TryGetProperty("text_cfg", out _)) config = OpenClip(reader.In(root, null));
            else if (root.TryGetProperty("text_config", out _) || root.TryGetProperty("vision_config", out _)
                     || root.TryGetProperty("text_config_dict", out _) || root.TryGetProperty("vision_config_dict", out _)
                     || reader.In(root, null).String("model_type", null) == "clip") config = HuggingFace(reader.In(root, null));
            else if (root.TryGetProperty("vision_width", out _) || root.TryGetProperty("transformer_width", out _)) config = OpenAi(reader.In(root, null));
            else
            {
                throw new InvalidDataException(
                    $"The CLIP configuration {source} is not a known form. Expected an open_clip model config (embed_dim, vision_cfg, text_cfg), " +
                    "a Hugging Face CLIPConfig (text_config, vision_config, projection_dim) or OpenAI CLIP(...) arguments " +
                    "(embed_dim, image_resolution, vision_layers, vision_width, vision_patch_size, context_length, vocab_size, " +
                    "transformer_width, transformer_heads, transformer_layers).");
            }
            try
            {
                config.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"The CLIP configuration {source} describes an invalid model: {ex.Message}", ex);
            }
            return config;
        }
    }

    private static ClipConfig OpenAi(Scope s) => new()
    {
        EmbedDim = s.Int("embed_dim"),
        ImageResolution = s.Int("image_resolution"),
        VisionLayers = s.Layers("vision_layers"),
        VisionWidth = s.Int("vision_width"),
        VisionPatchSize = s.NullableInt("vision_patch_size"),
        ContextLength = s.Int("context_length"),
        VocabSize = s.Int("vocab_size"),
        TransformerWidth = s.Int("transformer_width"),
        TransformerHeads = s.Int("transformer_heads"),
        TransformerLayers = s.Int("transformer_layers"),
        // clip.model.CLIP always builds QuickGELU blocks.
        Activation = ClipActivation.QuickGelu,
    };

    private static ClipConfig OpenClip(Scope root)
    {
        // Defaults: open_clip's CLIPVisionCfg / CLIPTextCfg dataclasses.
        var vision = root.Object("vision_cfg");
        var text = root.Object("text_cfg");
        vision.Unsupported(("timm_model_name", null), ("ls_init_value", null), ("attentional_pool", false), ("no_ln_pre", false),
                           ("final_ln_after_pool", false), ("pool_type", "tok"), ("pos_embed_type", "learnable"),
                           ("input_patchnorm", false), ("global_average_pool", false), ("act_kwargs", null), ("norm_kwargs", null));
        text.Unsupported(("hf_model_name", null), ("ls_init_value", null), ("pool_type", "argmax"), ("embed_cls", false),
                         ("no_causal_mask", false), ("proj_bias", false), ("act_kwargs", null), ("norm_kwargs", null));
        if (text.Has("proj_type") && text.String("proj_type", "linear") != "linear") text.Fail("proj_type", "only 'linear' text projections are supported");
        vision.MlpRatio();
        text.MlpRatio();
        var layers = vision.Has("layers") ? vision.Layers("layers") : [12];
        bool resnet = layers.Count != 1 || vision.IsArray("layers");
        int width = vision.Int("width", 768);
        int headWidth = vision.Int("head_width", 64);
        return new ClipConfig
        {
            EmbedDim = root.Int("embed_dim"),
            ImageResolution = vision.Square("image_size", 224),
            VisionLayers = layers,
            VisionWidth = width,
            VisionPatchSize = resnet ? null : vision.Int("patch_size", 16),
            VisionHeads = headWidth == 64 ? null : (resnet ? width * 32 : width) / headWidth,
            ContextLength = text.Int("context_length", 77),
            VocabSize = text.Int("vocab_size", 49408),
            TransformerWidth = text.Int("width", 512),
            TransformerHeads = text.Int("heads", 8),
            TransformerLayers = text.Int("layers", 12),
            // open_clip builds nn.GELU unless the model config says quick_gelu: true (its -quickgelu variants).
            Activation = root.Bool("quick_gelu", false) ? ClipActivation.QuickGelu : ClipActivation.Gelu,
        };
    }

    private static ClipConfig HuggingFace(Scope root)
    {
        // Defaults: transformers' CLIPConfig / CLIPTextConfig / CLIPVisionConfig.
        var text = root.Has("text_config") ? root.Object("text_config") : root.Has("text_config_dict") ? root.Object("text_config_dict") : root.Empty("text_config");
        var vision = root.Has("vision_config") ? root.Object("vision_config") : root.Has("vision_config_dict") ? root.Object("vision_config_dict") : root.Empty("vision_config");
        int textWidth = text.Int("hidden_size", 512), visionWidth = vision.Int("hidden_size", 768);
        if (text.Int("intermediate_size", 2048) != 4 * textWidth) text.Fail("intermediate_size", $"only an MLP of 4 × hidden_size ({4 * textWidth}) is supported");
        if (vision.Int("intermediate_size", 3072) != 4 * visionWidth) vision.Fail("intermediate_size", $"only an MLP of 4 × hidden_size ({4 * visionWidth}) is supported");
        foreach (var s in new[] { text, vision })
        {
            if (Math.Abs(s.Double("layer_norm_eps", 1e-5) - 1e-5) > 1e-12) s.Fail("layer_norm_eps", "CLIP uses 1e-5");
        }
        if (vision.Int("num_channels", 3) != 3) vision.Fail("num_channels", "CLIP takes RGB images (3 channels)");
        var textAct = Activation(text);
        var visionAct = Activation(vision);
        if (textAct != visionAct) vision.Fail("hidden_act", $"the text tower uses {textAct}; both towers must use the same activation");
        return new ClipConfig
        {
            EmbedDim = root.Int("projection_dim", 512),
            ImageResolution = vision.Int("image_size", 224),
            VisionLayers = [vision.Int("num_hidden_layers", 12)],
            VisionWidth = visionWidth,
            VisionPatchSize = vision.Int("patch_size", 32),
            VisionHeads = vision.Int("num_attention_heads", 12),
            ContextLength = text.Int("max_position_embeddings", 77),
            VocabSize = text.Int("vocab_size", 49408),
            TransformerWidth = textWidth,
            TransformerHeads = text.Int("num_attention_heads", 8),
            TransformerLayers = text.Int("num_hidden_layers", 12),
            Activation = textAct,
        };
    }

    private static ClipActivation Activation(Scope s) => s.String("hidden_act", "quick_gelu") switch
    {
        "quick_gelu" => ClipActivation.QuickGelu,
        "gelu" => ClipActivation.Gelu,
        var other => throw s.Error("hidden_act", $"'{other}' is not supported (expected 'quick_gelu' or 'gelu')"),
    };

    private sealed record Reader(string Source)
    {
        public Scope In(JsonElement element, string? path) =>
            element.ValueKind == JsonValueKind.Object
                ? new Scope(this, element, path)
                : throw new InvalidDataException($"The CLIP configuration {Source}: '{path}' must be a JSON object but is a JSON {element.ValueKind}.");
    }

    private sealed record Scope(Reader Reader, JsonElement? Element, string? Path)
    {
        private string Name(string key) => Path is null ? key : $"{Path}.{key}";

        public InvalidDataException Error(string key, string problem) =>
            new($"The CLIP configuration {Reader.Source}: '{Name(key)}' {problem}.");

        public void Fail(string key, string problem) => throw Error(key, $"is not supported: {problem}");

        public bool Has(string key) => Element is { } e && e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

        private JsonElement? Get(string key) => Element is { } e && e.TryGetProperty(key, out var v) ? v : null;

        public Scope Object(string key) => Get(key) is { } v
            ? Reader.In(v, Name(key))
            : throw Error(key, "is required");

        public Scope Empty(string key) => new(Reader, null, Name(key));

        public bool IsArray(string key) => Get(key) is { ValueKind: JsonValueKind.Array };

        public int Int(string key, int? fallback = null)
        {
            var v = Get(key);
            if (v is null || v.Value.ValueKind == JsonValueKind.Null)
            {
                return fallback ?? throw Error(key, "is required");
            }
            return v.Value.ValueKind == JsonValueKind.Number && v.Value.TryGetInt32(out int i)
                ? i
                : throw Error(key, $"must be an integer (was {v.Value.GetRawText()})");
        }

        public int? NullableInt(string key) => Get(key) is null or { ValueKind: JsonValueKind.Null } ? null : Int(key);

        public double Double(string key, double fallback) => Get(key) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : fallback;

        public bool Bool(string key, bool fallback) => Get(key) switch
        {
            null or { ValueKind: JsonValueKind.Null } => fallback,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            var v => throw Error(key, $"must be true or false (was {v.Value.GetRawText()})"),
        };

        public string? String(string key, string? fallback) => Get(key) switch
        {
            null or { ValueKind: JsonValueKind.Null } => fallback,
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            var v => throw Error(key, $"must be a string (was {v.Value.GetRawText()})"),
        };

        public IReadOnlyList<int> Layers(string key)
        {
            var v = Get(key) ?? throw Error(key, "is required");
            if (v.ValueKind == JsonValueKind.Number) return [Int(key)];
            if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out _)))
            {
                return [.. v.EnumerateArray().Select(x => x.GetInt32())];
            }
            throw Error(key, $"must be an integer (ViT) or a list of four integers (ModifiedResNet) (was {v.GetRawText()})");
        }

        public int Square(string key, int fallback)
        {
            var v = Get(key);
            if (v is { ValueKind: JsonValueKind.Array })
            {
                var sides = v.Value.EnumerateArray().Select(x => x.TryGetInt32(out int i) ? i : -1).ToList();
                return sides.Count == 2 && sides[0] == sides[1] && sides[0] > 0
                    ? sides[0]
                    : throw Error(key, $"must be one size or two equal sizes; CLIP images are square (was {v.Value.GetRawText()})");
            }
            return Int(key, fallback);
        }

        public void MlpRatio()
        {
            if (Get("mlp_ratio") is { ValueKind: JsonValueKind.Number } v && Math.Abs(v.GetDouble() - 4.0) > 1e-9)
            {
                Fail("mlp_ratio", $"CLIP blocks have an MLP ratio of 4 (was {v.GetRawText()})");
            }
        }

        public void Unsupported(params (string Key, object? Default)[] options)
        {
            foreach (var (key, fallback) in options)
            {
                var v = Get(key);
                if (v is null || v.Value.ValueKind == JsonValueKind.Null) continue;
                bool isDefault = fallback switch
                {
                    bool b => v.Value.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
                    string str => v.Value.ValueKind == JsonValueKind.String && v.Value.GetString() == str,
                    _ => false,
                };
                if (!isDefault) Fail(key, $"this port implements the original CLIP architecture only (was {v.Value.GetRawText()})");
            }
        }
    }
}
