namespace VL2V.Distillation.Clip;

/// <summary>
/// The hyper-parameters of a CLIP model, named as the arguments of OpenAI's <c>clip.model.CLIP(...)</c>, plus the
/// MLP activation and an optional vision head count. Presets are in <see cref="ClipPresets"/>.
/// </summary>
public sealed record ClipConfig
{
    /// <summary>The size E of the joint image-text embedding (<c>embed_dim</c>).</summary>
    public required int EmbedDim { get; init; }

    /// <summary>The side R of the square input images (<c>image_resolution</c>).</summary>
    public required int ImageResolution { get; init; }

    /// <summary>
    /// One block count for a ViT image tower, or four (one per stage) for a ModifiedResNet (<c>vision_layers</c>).
    /// </summary>
    public required IReadOnlyList<int> VisionLayers { get; init; }

    /// <summary>ViT width, or the ResNet base width (stage 1 has W channels, the attention pool 32·W) (<c>vision_width</c>).</summary>
    public required int VisionWidth { get; init; }

    /// <summary>The ViT patch size; <see langword="null"/> selects the ModifiedResNet tower (<c>vision_patch_size</c>).</summary>
    public int? VisionPatchSize { get; init; }

    /// <summary>
    /// Attention heads of the image tower; <see langword="null"/> takes OpenAI's rule: <c>VisionWidth / 64</c> for a
    /// ViT, <c>VisionWidth · 32 / 64</c> for the ResNet attention pool.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? VisionHeads { get; init; }

    /// <summary>Tokens per text (<c>context_length</c>).</summary>
    /// <value>The default is 77.</value>
    public int ContextLength { get; init; } = 77;

    /// <summary>Rows of the token embedding (<c>vocab_size</c>).</summary>
    /// <value>The default is 49 408 (the CLIP BPE vocabulary).</value>
    public int VocabSize { get; init; } = 49408;

    /// <summary>Width of the text transformer (<c>transformer_width</c>).</summary>
    public required int TransformerWidth { get; init; }

    /// <summary>Attention heads of the text transformer (<c>transformer_heads</c>).</summary>
    public required int TransformerHeads { get; init; }

    /// <summary>Blocks of the text transformer (<c>transformer_layers</c>).</summary>
    public required int TransformerLayers { get; init; }

    /// <summary>The MLP activation of both transformers; not stored in weight files, so always stated explicitly.</summary>
    public required ClipActivation Activation { get; init; }

    /// <summary>Whether the image tower is a vision transformer (<see cref="VisionPatchSize"/> is set).</summary>
    public bool IsVisionTransformer => VisionPatchSize is not null;

    /// <summary>The attention heads of the image tower after applying OpenAI's default rule.</summary>
    public int EffectiveVisionHeads => VisionHeads ?? (IsVisionTransformer ? VisionWidth / 64 : VisionWidth * 32 / 64);

    /// <summary>Checks every value and throws one exception that lists all problems.</summary>
    /// <exception cref="ArgumentException">Some value is invalid; the message lists each one with the value found.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        void Positive(int value, string name)
        {
            if (value < 1) errors.Add($"{name} must be ≥ 1 (was {value}).");
        }
        Positive(EmbedDim, nameof(EmbedDim));
        Positive(ImageResolution, nameof(ImageResolution));
        Positive(VisionWidth, nameof(VisionWidth));
        Positive(ContextLength, nameof(ContextLength));
        Positive(VocabSize, nameof(VocabSize));
        Positive(TransformerWidth, nameof(TransformerWidth));
        Positive(TransformerLayers, nameof(TransformerLayers));
        Positive(TransformerHeads, nameof(TransformerHeads));
        if (TransformerHeads >= 1 && TransformerWidth % TransformerHeads != 0)
        {
            errors.Add($"TransformerWidth ({TransformerWidth}) must be divisible by TransformerHeads ({TransformerHeads}).");
        }
        if (!Enum.IsDefined(Activation)) errors.Add($"Activation must be QuickGelu or Gelu (was {(int)Activation}).");
        if (VisionLayers is null)
        {
            errors.Add("VisionLayers is required: one block count for a ViT, four for a ModifiedResNet.");
        }
        else if (VisionPatchSize is int patch)
        {
            if (VisionLayers.Count != 1 || VisionLayers[0] < 1)
            {
                errors.Add($"VisionLayers must be one block count ≥ 1 for a ViT (VisionPatchSize is set) (was [{string.Join(", ", VisionLayers)}]).");
            }
            if (patch < 1) errors.Add($"VisionPatchSize must be ≥ 1 or null for a ModifiedResNet (was {patch}).");
            else if (ImageResolution >= 1 && ImageResolution % patch != 0)
            {
                errors.Add($"ImageResolution ({ImageResolution}) must be a multiple of VisionPatchSize ({patch}).");
            }
            CheckHeads(errors, VisionWidth, "VisionWidth");
        }
        else
        {
            if (VisionLayers.Count != 4 || VisionLayers.Any(n => n < 1))
            {
                errors.Add($"VisionLayers must be four block counts ≥ 1 for a ModifiedResNet (VisionPatchSize is null) (was [{string.Join(", ", VisionLayers)}]).");
            }
            if (ImageResolution >= 1 && ImageResolution % 32 != 0)
            {
                errors.Add($"ImageResolution ({ImageResolution}) must be a multiple of 32 for a ModifiedResNet.");
            }
            if (VisionWidth >= 1 && VisionWidth % 2 != 0) errors.Add($"VisionWidth ({VisionWidth}) must be even for a ModifiedResNet (its stem has VisionWidth/2 channels).");
            CheckHeads(errors, VisionWidth * 32, "VisionWidth·32");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("The 'ClipConfig' is invalid:" + Environment.NewLine +
                                        string.Join(Environment.NewLine, errors.Select(e => "- " + e)));
        }
    }

    private void CheckHeads(List<string> errors, int channels, string channelsName)
    {
        int heads = EffectiveVisionHeads;
        string source = VisionHeads is null ? " (derived: 64 channels per head)" : "";
        if (heads < 1) errors.Add($"The vision tower needs ≥ 1 attention head (was {heads}{source}); set VisionHeads.");
        else if (channels >= 1 && channels % heads != 0) errors.Add($"{channelsName} ({channels}) must be divisible by the vision heads ({heads}{source}).");
    }

    /// <summary>
    /// Infers the configuration from tensor shapes as OpenAI's <c>build_model(state_dict)</c> does: ViT when
    /// <c>visual.proj</c> exists, sizes from <c>visual.conv1</c>, positional embeddings, <c>ln_final</c>,
    /// <c>text_projection</c> and <c>token_embedding</c>, block counts from the keys, text heads = width / 64.
    /// </summary>
    /// <param name="stateDict">An OpenAI-named state dict (after key mapping); TorchScript's extra 0-dim buffers are ignored.</param>
    /// <param name="activation">Not stored in weights; OpenAI's architecture always uses <see cref="ClipActivation.QuickGelu"/>.</param>
    /// <param name="transformerHeads">The text heads when they are not <c>width / 64</c> (e.g. small models).</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="InvalidDataException">A key needed for inference is missing, or the inferred values are invalid.</exception>
    public static ClipConfig InferFromStateDict(IReadOnlyDictionary<string, Tensor> stateDict,
                                                ClipActivation activation = ClipActivation.QuickGelu,
                                                int? transformerHeads = null) =>
        ClipConfigInference.Infer(stateDict, activation, transformerHeads);

    /// <summary>
    /// Parses an open_clip model config (<c>embed_dim</c>, <c>vision_cfg</c>, <c>text_cfg</c>, optional <c>quick_gelu</c>),
    /// a Hugging Face <c>CLIPConfig</c> (<c>text_config</c>, <c>vision_config</c>, <c>projection_dim</c>), or a JSON object
    /// of OpenAI <c>CLIP(...)</c> constructor arguments (also inside a <c>clip_constructor_args</c> member).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Named in error messages (e.g. the file path).</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="InvalidDataException">The JSON is not one of the three forms, or a value is missing, unsupported or invalid.</exception>
    public static ClipConfig FromJson(string json, string source = "the JSON text") => ClipConfigJson.Parse(json, source);

    /// <summary>Reads and parses a configuration file; see <see cref="FromJson(string, string)"/>.</summary>
    /// <param name="path">A <c>.json</c> file.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a supported configuration.</exception>
    public static ClipConfig FromJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The CLIP configuration file '{path}' does not exist.", path);
        return FromJson(File.ReadAllText(path), $"'{path}'");
    }

    /// <summary>Value equality including the contents of <see cref="VisionLayers"/>.</summary>
    /// <param name="other">The other configuration.</param>
    /// <returns>Whether all values are equal.</returns>
    public bool Equals(ClipConfig? other) =>
        other is not null && EmbedDim == other.EmbedDim && ImageResolution == other.ImageResolution
        && VisionLayers.SequenceEqual(other.VisionLayers) && VisionWidth == other.VisionWidth
        && VisionPatchSize == other.VisionPatchSize && VisionHeads == other.VisionHeads
        && ContextLength == other.ContextLength && VocabSize == other.VocabSize
        && TransformerWidth == other.TransformerWidth && TransformerHeads == other.TransformerHeads
        && TransformerLayers == other.TransformerLayers && Activation == other.Activation;

    /// <summary>A hash consistent with <see cref="Equals(ClipConfig?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(EmbedDim, ImageResolution, VisionLayers.Count > 0 ? VisionLayers[0] : 0, VisionWidth,
                         VisionPatchSize, TransformerWidth, TransformerLayers, Activation);

    /// <summary>A one-line summary, e.g. <c>ClipConfig { ViT 12×768/32 @224, text 12×512 (8 heads), E 512, QuickGelu }</c>.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        $"ClipConfig {{ {(IsVisionTransformer ? $"ViT {VisionLayers[0]}×{VisionWidth}/{VisionPatchSize}" : $"ResNet [{string.Join(",", VisionLayers)}]×{VisionWidth}")} @{ImageResolution}, " +
        $"text {TransformerLayers}×{TransformerWidth} ({TransformerHeads} heads), E {EmbedDim}, {Activation} }}";
}
