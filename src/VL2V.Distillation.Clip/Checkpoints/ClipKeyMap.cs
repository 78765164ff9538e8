using System.Text.RegularExpressions;

namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>
/// Maps third-party CLIP state dicts to OpenAI's key names at the file boundary: Hugging Face <c>CLIPModel</c>
/// names (q/k/v merged into <c>in_proj</c>, projections transposed, <c>pre_layrnorm</c> → <c>ln_pre</c>), and drops
/// entries that carry no weights (<c>position_ids</c>, TorchScript's 0-dim <c>input_resolution</c>,
/// <c>context_length</c>, <c>vocab_size</c>). Keys it does not know are kept, so a strict load reports them.
/// </summary>
internal static partial class ClipKeyMap
{
    /// <summary>The 0-dim int64 buffers OpenAI's TorchScript archives add (and <c>build_model</c> deletes).</summary>
    public static readonly string[] TorchScriptExtras = ["input_resolution", "context_length", "vocab_size"];

    public static bool IsHuggingFace(IReadOnlyDictionary<string, Tensor> sd) =>
        sd.Keys.Any(k => k.StartsWith("text_model.", StringComparison.Ordinal) || k.StartsWith("vision_model.", StringComparison.Ordinal));

    /// <summary>Returns an OpenAI-named dictionary; tensors are reused or newly created (merged / transposed).</summary>
    public static Dictionary<string, Tensor> Normalize(IReadOnlyDictionary<string, Tensor> sd)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool hf = IsHuggingFace(sd);
        var qkv = new Dictionary<string, KeyValuePair<string, Tensor>?[]>(StringComparer.Ordinal);   // in_proj key -> [q, k, v]
        foreach (var (key, tensor) in sd)
        {
            if (key.EndsWith("position_ids", StringComparison.Ordinal)) continue;
            if (TorchScriptExtras.Contains(key) && tensor.dim() == 0) continue;
            if (!hf)
            {
                result[key] = tensor;
                continue;
            }
            var layer = HfLayer().Match(key);
            if (layer.Success)
            {
                string prefix = (layer.Groups[1].Value == "text" ? "transformer" : "visual.transformer") + $".resblocks.{layer.Groups[2].Value}.";
                string rest = layer.Groups[3].Value;
                var proj = HfQkv().Match(rest);
                if (proj.Success)
                {
                    string target = prefix + "attn.in_proj_" + proj.Groups[2].Value;
                    if (!qkv.TryGetValue(target, out var parts)) qkv[target] = parts = new KeyValuePair<string, Tensor>?[3];
                    parts["qkv".IndexOf(proj.Groups[1].Value[0])] = new(key, tensor);
                    continue;
                }
                result[prefix + LayerRest(rest)] = tensor;
                continue;
            }
            switch (key)
            {
                case "text_projection.weight": result["text_projection"] = tensor.t().contiguous(); break;
                case "visual_projection.weight": result["visual.proj"] = tensor.t().contiguous(); break;
                default: result[Simple(key)] = tensor; break;
            }
        }
        foreach (var (target, parts) in qkv)
        {
            if (parts.All(p => p is not null))
            {
                result[target] = torch.cat([parts[0]!.Value.Value, parts[1]!.Value.Value, parts[2]!.Value.Value], dim: 0);
                continue;
            }
            // Incomplete q/k/v: keep what exists under its own name so that the strict load reports it.
            foreach (var part in parts)
            {
                if (part is { } p) result[p.Key] = p.Value;
            }
        }
        return result;
    }

    private static string LayerRest(string rest) => rest switch
    {
        _ when rest.StartsWith("self_attn.out_proj.", StringComparison.Ordinal) => "attn.out_proj." + rest["self_attn.out_proj.".Length..],
        _ when rest.StartsWith("layer_norm1.", StringComparison.Ordinal) => "ln_1." + rest["layer_norm1.".Length..],
        _ when rest.StartsWith("layer_norm2.", StringComparison.Ordinal) => "ln_2." + rest["layer_norm2.".Length..],
        _ when rest.StartsWith("mlp.fc1.", StringComparison.Ordinal) => "mlp.c_fc." + rest["mlp.fc1.".Length..],
        _ when rest.StartsWith("mlp.fc2.", StringComparison.Ordinal) => "mlp.c_proj." + rest["mlp.fc2.".Length..],
        _ => rest,
    };

    private static string Simple(string key) => key switch
    {
        "text_model.embeddings.token_embedding.weight" => "token_embedding.weight",
        "text_model.embeddings.position_embedding.weight" => "positional_embedding",
        "text_model.final_layer_norm.weight" => "ln_final.weight",
        "text_model.final_layer_norm.bias" => "ln_final.bias",
        "vision_model.embeddings.class_embedding" => "visual.class_embedding",
        "vision_model.embeddings.patch_embedding.weight" => "visual.conv1.weight",
        "vision_model.embeddings.position_embedding.weight" => "visual.positional_embedding",
        "vision_model.pre_layrnorm.weight" => "visual.ln_pre.weight",
        "vision_model.pre_layrnorm.bias" => "visual.ln_pre.bias",
        "vision_model.post_layernorm.weight" => "visual.ln_post.weight",
        "vision_model.post_layernorm.bias" => "visual.ln_post.bias",
        _ => key,
    };

    [GeneratedRegex(@"^(text|vision)_model\.encoder\.layers\.(\d+)\.(.+)$")]
    private static partial Regex HfLayer();

    [GeneratedRegex(@"^self_attn\.(q|k|v)_proj\.(weight|bias)$")]
    private static partial Regex HfQkv();
}
