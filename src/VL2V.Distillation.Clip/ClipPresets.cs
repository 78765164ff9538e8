using System.Collections.Frozen;

namespace VL2V.Distillation.Clip;

/// <summary>
/// The configurations of OpenAI's released CLIP models (the values <c>clip.model.build_model</c> derives from their
/// weights). All use <see cref="ClipActivation.QuickGelu"/>, 77-token contexts and the 49 408-token vocabulary.
/// </summary>
public static class ClipPresets
{
    /// <summary>RN50: ResNet [3,4,6,3] × 64 at 224 px, text 12 × 512 (8 heads), embedding 1024.</summary>
    public static ClipConfig RN50 { get; } = ResNet(1024, 224, [3, 4, 6, 3], 64, 512);

    /// <summary>RN101: ResNet [3,4,23,3] × 64 at 224 px, text 12 × 512 (8 heads), embedding 512.</summary>
    public static ClipConfig RN101 { get; } = ResNet(512, 224, [3, 4, 23, 3], 64, 512);

    /// <summary>RN50x4: ResNet [4,6,10,6] × 80 at 288 px, text 12 × 640 (10 heads), embedding 640.</summary>
    public static ClipConfig RN50x4 { get; } = ResNet(640, 288, [4, 6, 10, 6], 80, 640);

    /// <summary>RN50x16: ResNet [6,8,18,8] × 96 at 384 px, text 12 × 768 (12 heads), embedding 768.</summary>
    public static ClipConfig RN50x16 { get; } = ResNet(768, 384, [6, 8, 18, 8], 96, 768);

    /// <summary>RN50x64: ResNet [3,15,36,10] × 128 at 448 px, text 12 × 1024 (16 heads), embedding 1024.</summary>
    public static ClipConfig RN50x64 { get; } = ResNet(1024, 448, [3, 15, 36, 10], 128, 1024);

    /// <summary>ViT-B/32: 12 × 768, patch 32 at 224 px, text 12 × 512 (8 heads), embedding 512.</summary>
    public static ClipConfig VitB32 { get; } = Vit(512, 224, 12, 768, 32, 512);

    /// <summary>ViT-B/16: 12 × 768, patch 16 at 224 px, text 12 × 512 (8 heads), embedding 512.</summary>
    public static ClipConfig VitB16 { get; } = Vit(512, 224, 12, 768, 16, 512);

    /// <summary>ViT-L/14: 24 × 1024, patch 14 at 224 px, text 12 × 768 (12 heads), embedding 768.</summary>
    public static ClipConfig VitL14 { get; } = Vit(768, 224, 24, 1024, 14, 768);

    /// <summary>ViT-L/14@336px: 24 × 1024, patch 14 at 336 px, text 12 × 768 (12 heads), embedding 768.</summary>
    public static ClipConfig VitL14At336 { get; } = Vit(768, 336, 24, 1024, 14, 768);

    /// <summary>The presets by OpenAI's model names (<c>clip.available_models()</c>), e.g. <c>ViT-B/32</c>.</summary>
    public static IReadOnlyDictionary<string, ClipConfig> ByName { get; } = new Dictionary<string, ClipConfig>(StringComparer.Ordinal)
    {
        ["RN50"] = RN50,
        ["RN101"] = RN101,
        ["RN50x4"] = RN50x4,
        ["RN50x16"] = RN50x16,
        ["RN50x64"] = RN50x64,
        ["ViT-B/32"] = VitB32,
        ["ViT-B/16"] = VitB16,
        ["ViT-L/14"] = VitL14,
        ["ViT-L/14@336px"] = VitL14At336,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Looks a preset up by OpenAI's name.</summary>
    /// <param name="name">e.g. <c>ViT-B/16</c> or <c>RN50</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static ClipConfig Get(string name) =>
        ByName.TryGetValue(name, out var config)
            ? config
            : throw new ArgumentException($"Unknown CLIP preset '{name}'. Known presets: {string.Join(", ", ByName.Keys)}.", nameof(name));

    // Text heads are width / 64 in every released model.
    private static ClipConfig ResNet(int embed, int resolution, int[] layers, int width, int textWidth) => new()
    {
        EmbedDim = embed,
        ImageResolution = resolution,
        VisionLayers = Array.AsReadOnly(layers),
        VisionWidth = width,
        VisionPatchSize = null,
        TransformerWidth = textWidth,
        TransformerHeads = textWidth / 64,
        TransformerLayers = 12,
        Activation = ClipActivation.QuickGelu,
    };

    private static ClipConfig Vit(int embed, int resolution, int layers, int width, int patch, int textWidth) => new()
    {
        EmbedDim = embed,
        ImageResolution = resolution,
        VisionLayers = Array.AsReadOnly(new[] { layers }),
        VisionWidth = width,
        VisionPatchSize = patch,
        TransformerWidth = textWidth,
        TransformerHeads = textWidth / 64,
        TransformerLayers = 12,
        Activation = ClipActivation.QuickGelu,
    };
}
