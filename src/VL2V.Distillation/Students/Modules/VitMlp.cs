using TorchSharp.Modules;

namespace VL2V.Distillation.Students.Modules;

/// <summary>The transformer MLP: <c>fc2(GELU(fc1(x)))</c> with the exact (erf) GELU, as timm and torchvision use.</summary>
internal sealed class VitMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public VitMlp(long dim, long hiddenDim) : base(nameof(VitMlp))
    {
        fc1 = nn.Linear(dim, hiddenDim);
        fc2 = nn.Linear(hiddenDim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)                       // [B, N, D] -> [B, N, D]
    {
        using var hidden = nn.functional.gelu(fc1.call(x));
        return fc2.call(hidden);
    }
}
