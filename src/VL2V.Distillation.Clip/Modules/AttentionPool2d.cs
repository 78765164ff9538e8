using VL2V.Distillation.Internal;
using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// CLIP's attention pooling: tokens <c>[mean; HW positions] + positional_embedding</c>, one query (the mean token)
/// attending over all tokens with separate q/k/v projections, then <c>c_proj</c> to the embedding size.
/// </summary>
internal sealed class AttentionPool2d : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;

    private readonly Parameter positional_embedding;   // [S² + 1, C]
    private readonly Linear k_proj;                    // [C, C]
    private readonly Linear q_proj;                    // [C, C]
    private readonly Linear v_proj;                    // [C, C]
    private readonly Linear c_proj;                    // [E, C]

    public AttentionPool2d(int spatialDim, int embedDim, int heads, int outputDim, Device? device, ScalarType? dtype)
        : base(nameof(AttentionPool2d))
    {
        _heads = heads;
        positional_embedding = new Parameter(torch.empty(spatialDim * spatialDim + 1, embedDim, dtype: dtype, device: device));
        k_proj = nn.Linear(embedDim, embedDim, device: device, dtype: dtype);
        q_proj = nn.Linear(embedDim, embedDim, device: device, dtype: dtype);
        v_proj = nn.Linear(embedDim, embedDim, device: device, dtype: dtype);
        c_proj = nn.Linear(embedDim, outputDim, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)           // [B, C, H, W] -> [B, E]
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], c = x.shape[1];
        x = x.flatten(2).permute(0, 2, 1);                                     // [B, HW, C]
        x = torch.cat([x.mean([1], keepdim: true), x], dim: 1);                 // [B, HW+1, C]
        x = x.Plus(positional_embedding.to_type(x.dtype));
        long l = x.shape[1], dh = c / _heads;
        var q = q_proj.call(x[.., ..1, ..]).view(b, 1, _heads, dh).transpose(1, 2);   // [B, H, 1, Dh]
        var k = k_proj.call(x).view(b, l, _heads, dh).transpose(1, 2);               // [B, H, L, Dh]
        var v = v_proj.call(x).view(b, l, _heads, dh).transpose(1, 2);               // [B, H, L, Dh]
        var y = nn.functional.scaled_dot_product_attention(q, k, v);                  // [B, H, 1, Dh]
        y = y.transpose(1, 2).reshape(b, c);                                          // [B, C]
        return c_proj.call(y).MoveToOuterDisposeScope();
    }

    /// <summary>Initial values as in <c>AttentionPool2d.__init__</c> and <c>CLIP.initialize_parameters</c>.</summary>
    public void Initialize()
    {
        using var _ = torch.no_grad();
        long c = positional_embedding.shape[1];
        nn.init.normal_(positional_embedding, std: Math.Pow(c, -0.5));
        double std = Math.Pow(c, -0.5);                // c_proj.in_features ** -0.5
        foreach (var layer in new[] { q_proj, k_proj, v_proj, c_proj })
        {
            nn.init.normal_(layer.weight!, std: std);
        }
    }
}
