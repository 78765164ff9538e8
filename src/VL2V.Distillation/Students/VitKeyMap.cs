using System.Text.RegularExpressions;

namespace VL2V.Distillation.Students;

/// <summary>
/// Maps third-party Vision Transformer state-dict names to <see cref="VisionTransformerBackbone"/>'s (timm's) names.
/// Pure functions on names; classifier keys map to null (dropped).
/// </summary>
internal static partial class VitKeyMap
{
    public const string Timm = "timm";
    public const string Torchvision = "torchvision";

    /// <summary>torchvision when the file has torchvision's distinctive keys, otherwise timm.</summary>
    public static string DetectConvention(IEnumerable<string> keys) =>
        keys.Any(k => k == "class_token" || k.StartsWith("encoder.", StringComparison.Ordinal) ||
                      k.StartsWith("conv_proj.", StringComparison.Ordinal))
            ? Torchvision
            : Timm;

    /// <summary>Renames every key of <paramref name="stateDict"/> and drops the classifier.</summary>
    public static Dictionary<string, Tensor> ToOwnNames(IReadOnlyDictionary<string, Tensor> stateDict, string convention)
    {
        Func<string, string?> map = convention switch
        {
            Timm => FromTimm,
            Torchvision => FromTorchvision,
            _ => throw new ArgumentException($"Unknown key convention '{convention}'; known: {Timm}, {Torchvision}.", nameof(convention)),
        };
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in stateDict)
        {
            if (map(key) is { } own) result[own] = tensor;
        }
        return result;
    }

    /// <summary>timm names are the module's own; only <c>head.*</c> and <c>head_dist.*</c> are dropped.</summary>
    public static string? FromTimm(string key) =>
        key.StartsWith("head.", StringComparison.Ordinal) || key.StartsWith("head_dist.", StringComparison.Ordinal)
            ? null
            : key;

    /// <summary>
    /// torchvision <c>VisionTransformer</c> → timm: <c>class_token</c> → <c>cls_token</c>, <c>conv_proj</c> →
    /// <c>patch_embed.proj</c>, <c>encoder.pos_embedding</c> → <c>pos_embed</c>, <c>encoder.ln</c> → <c>norm</c>,
    /// <c>encoder.layers.encoder_layer_N.{ln_1, self_attention.in_proj_*, self_attention.out_proj, ln_2, mlp.0, mlp.3}</c>
    /// → <c>blocks.N.{norm1, attn.qkv.*, attn.proj, norm2, mlp.fc1, mlp.fc2}</c> (also the pre-0.13 names
    /// <c>mlp.linear_1</c>/<c>mlp.linear_2</c>); <c>heads.head.*</c> is dropped. Unknown keys are kept as they are
    /// so that a strict load reports them.
    /// </summary>
    public static string? FromTorchvision(string key)
    {
        if (key.StartsWith("heads.head.", StringComparison.Ordinal)) return null;
        switch (key)
        {
            case "class_token": return "cls_token";
            case "encoder.pos_embedding": return "pos_embed";
        }
        if (key.StartsWith("conv_proj.", StringComparison.Ordinal)) return "patch_embed.proj." + key["conv_proj.".Length..];
        if (key.StartsWith("encoder.ln.", StringComparison.Ordinal)) return "norm." + key["encoder.ln.".Length..];
        var m = EncoderLayer().Match(key);
        if (!m.Success) return key;
        var block = "blocks." + m.Groups["n"].Value + ".";
        var rest = m.Groups["rest"].Value;
        string? mapped = rest switch
        {
            "self_attention.in_proj_weight" => "attn.qkv.weight",
            "self_attention.in_proj_bias" => "attn.qkv.bias",
            _ => null,
        };
        mapped ??= Prefix(rest, "ln_1.", "norm1.") ?? Prefix(rest, "ln_2.", "norm2.") ??
                   Prefix(rest, "self_attention.out_proj.", "attn.proj.") ??
                   Prefix(rest, "mlp.0.", "mlp.fc1.") ?? Prefix(rest, "mlp.linear_1.", "mlp.fc1.") ??
                   Prefix(rest, "mlp.3.", "mlp.fc2.") ?? Prefix(rest, "mlp.linear_2.", "mlp.fc2.");
        return mapped is null ? key : block + mapped;
    }

    private static string? Prefix(string rest, string from, string to) =>
        rest.StartsWith(from, StringComparison.Ordinal) ? to + rest[from.Length..] : null;

    [GeneratedRegex(@"^encoder\.layers\.encoder_layer_(?<n>\d+)\.(?<rest>.+)$")]
    private static partial Regex EncoderLayer();
}
