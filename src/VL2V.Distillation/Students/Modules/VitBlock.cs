using VL2V.Distillation.Internal;
using TorchSharp.Modules;

namespace VL2V.Distillation.Students.Modules;

/// <summary>A pre-norm transformer encoder block: <c>x + attn(norm1(x))</c>, then <c>x + mlp(norm2(x))</c>; LayerNorm eps 1e-6.</summary>
internal sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly VitAttention attn;
    private readonly LayerNorm norm2;
    private readonly VitMlp mlp;

    public VitBlock(long dim, long heads, long mlpDim) : base(nameof(VitBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: 1e-6);
        attn = new VitAttention(dim, heads);
        norm2 = nn.LayerNorm(dim, eps: 1e-6);
        mlp = new VitMlp(dim, mlpDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)                       // [B, N, D] -> [B, N, D]
    {
        using var scope = torch.NewDisposeScope();
        x = x.Plus(attn.call(norm1.call(x)));
        x = x.Plus(mlp.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }
}
