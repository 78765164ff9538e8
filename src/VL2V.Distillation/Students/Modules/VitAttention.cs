using TorchSharp.Modules;

namespace VL2V.Distillation.Students.Modules;

/// <summary>Multi-head self-attention with a packed q/k/v projection (timm's <c>Attention</c> layout).</summary>
/// <remarks>
/// <c>qkv.weight</c> <c>[3D, D]</c> holds rows <c>[q; k; v]</c>, each split into heads of <c>D / H</c> consecutive
/// rows: the same layout as PyTorch <c>nn.MultiheadAttention.in_proj_weight</c>, so torchvision weights copy over.
/// Scale <c>head_dim^-0.5</c>, no mask, no dropout.
/// </remarks>
internal sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly long _heads;

    public VitAttention(long dim, long heads) : base(nameof(VitAttention))
    {
        _heads = heads;
        qkv = nn.Linear(dim, 3 * dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)                       // [B, N, D]
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var packed = qkv.call(x).reshape(b, n, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4);   // [3, B, H, N, Dh]
        var y = nn.functional.scaled_dot_product_attention(packed[0], packed[1], packed[2]);  // [B, H, N, Dh]
        return proj.call(y.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }
}
