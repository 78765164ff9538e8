using VL2V.Distillation.Internal;
using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>Pre-norm transformer block of CLIP: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>, MLP ratio 4.</summary>
internal sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly ClipAttention attn;
    private readonly ClipLayerNorm ln_1;
    private readonly Sequential mlp;                   // c_fc [4D, D], gelu, c_proj [D, 4D]
    private readonly ClipLayerNorm ln_2;

    public ResidualAttentionBlock(int width, int heads, ClipActivation activation, bool causal, Device? device, ScalarType? dtype)
        : base(nameof(ResidualAttentionBlock))
    {
        attn = new ClipAttention(width, heads, causal, device, dtype);
        ln_1 = new ClipLayerNorm(width, device, dtype);
        mlp = nn.Sequential(
            ("c_fc", nn.Linear(width, 4L * width, device: device, dtype: dtype)),
            ("gelu", activation == ClipActivation.QuickGelu ? new QuickGelu() : nn.GELU()),
            ("c_proj", nn.Linear(4L * width, width, device: device, dtype: dtype)));
        ln_2 = new ClipLayerNorm(width, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)           // [B, L, D] -> [B, L, D]
    {
        using var scope = torch.NewDisposeScope();
        x = x.Plus(attn.call(ln_1.call(x)));
        x = x.Plus(mlp.call(ln_2.call(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Initial values as in <c>CLIP.initialize_parameters</c>.</summary>
    public void Initialize(double attnStd, double projStd, double fcStd)
    {
        attn.Initialize(attnStd, projStd);
        using var _ = torch.no_grad();
        var c_fc = (Linear)mlp[0];
        var c_proj = (Linear)mlp[2];
        nn.init.normal_(c_fc.weight!, std: fcStd);
        nn.init.normal_(c_proj.weight!, std: projStd);
    }
}
