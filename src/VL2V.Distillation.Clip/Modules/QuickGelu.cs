using VL2V.Distillation.Internal;
namespace VL2V.Distillation.Clip.Modules;

/// <summary>OpenAI CLIP's activation <c>x · sigmoid(1.702 x)</c>.</summary>
internal sealed class QuickGelu : nn.Module<Tensor, Tensor>
{
    public QuickGelu() : base(nameof(QuickGelu)) { }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return (x * torch.sigmoid(x.Times(1.702))).MoveToOuterDisposeScope();
    }
}
