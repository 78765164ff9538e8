using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// Multi-head self-attention with the parameters of <c>torch.nn.MultiheadAttention</c> (<c>in_proj_weight</c> rows
/// <c>[q; k; v]</c>, <c>out_proj</c>), computed batch-first with scaled dot-product attention (scale head_dim^-0.5);
/// optionally causal (additive −inf above the diagonal, as CLIP's text mask).
/// </summary>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;
    private readonly bool _causal;

    private readonly Parameter in_proj_weight;         // [3D, D]
    private readonly Parameter in_proj_bias;           // [3D]
    private readonly Linear out_proj;                  // [D, D]

    public ClipAttention(int width, int heads, bool causal, Device? device, ScalarType? dtype) : base(nameof(ClipAttention))
    {
        _heads = heads;
        _causal = causal;
        in_proj_weight = new Parameter(torch.empty(3L * width, width, dtype: dtype, device: device));
        in_proj_bias = new Parameter(torch.zeros(3L * width, dtype: dtype, device: device));
        out_proj = nn.Linear(width, width, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)           // [B, L, D] -> [B, L, D]
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], l = x.shape[1], d = x.shape[2];
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias)        // [B, L, 3D]
            .view(b, l, 3, _heads, d / _heads)
            .permute(2, 0, 3, 1, 4);                                           // [3, B, H, L, Dh]
        var y = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_casual: _causal); // [B, H, L, Dh]
        y = y.transpose(1, 2).reshape(b, l, d);
        return out_proj.call(y).MoveToOuterDisposeScope();
    }

    /// <summary>Initial values as in <c>CLIP.initialize_parameters</c>.</summary>
    public void Initialize(double inStd, double outStd)
    {
        using var _ = torch.no_grad();
        nn.init.normal_(in_proj_weight, std: inStd);
        nn.init.normal_(out_proj.weight!, std: outStd);
        in_proj_bias.zero_();
        out_proj.bias!.zero_();
    }
}
