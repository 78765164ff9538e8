using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// LayerNorm over the last dimension that computes in float32 whatever the input and weight dtypes (as
/// <c>clip.model.LayerNorm</c> does for fp16 models) and returns the input's dtype. eps = 1e-5.
/// </summary>
internal sealed class ClipLayerNorm : nn.Module<Tensor, Tensor>
{
    private const double Eps = 1e-5;
    private readonly long[] _shape;

    private readonly Parameter weight;                 // [D]
    private readonly Parameter bias;                   // [D]

    public ClipLayerNorm(long width, Device? device, ScalarType? dtype) : base(nameof(ClipLayerNorm))
    {
        _shape = [width];
        weight = new Parameter(torch.ones(width, dtype: dtype, device: device));
        bias = new Parameter(torch.zeros(width, dtype: dtype, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)               // [..., D] -> [..., D]
    {
        if (x.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32)
        {
            return nn.functional.layer_norm(x, _shape, weight, bias, Eps);
        }
        using var scope = torch.NewDisposeScope();
        var y = nn.functional.layer_norm(x.to_type(ScalarType.Float32), _shape,
            weight.to_type(ScalarType.Float32), bias.to_type(ScalarType.Float32), Eps);
        return y.to_type(x.dtype).MoveToOuterDisposeScope();
    }
}
