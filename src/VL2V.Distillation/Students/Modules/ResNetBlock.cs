using TorchSharp.Modules;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Students.Modules;

/// <summary>
/// A torchvision ResNet residual block with torchvision's state-dict keys: <c>BasicBlock</c> (two 3×3 convolutions,
/// ResNet-18/34) or <c>Bottleneck</c> v1.5 (1×1 → 3×3 with the stride → 1×1 ×4, ResNet-50/101), each convolution
/// followed by BatchNorm, plus <c>downsample.{0,1}</c> (1×1 convolution and BatchNorm) when the shape changes.
/// Input <c>[B, inplanes, H, W]</c> → output <c>[B, planes·expansion, H/stride, W/stride]</c> float32.
/// </summary>
/// <remarks>Written here rather than taken from TorchVision for TorchSharp so that the residual addition and the
/// BatchNorm batch counter hold their scalars (see <see cref="HeldScalars"/>).</remarks>
internal sealed class ResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn2;
    private readonly Conv2d? conv3;
    private readonly BatchNorm? bn3;
    private readonly Sequential? downsample;

    public ResNetBlock(long inplanes, long planes, long stride, bool bottleneck) : base(bottleneck ? "Bottleneck" : "BasicBlock")
    {
        long outplanes = planes * Expansion(bottleneck);
        if (bottleneck)
        {
            conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
            conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
            conv3 = nn.Conv2d(planes, outplanes, 1, bias: false);
            bn3 = new HeldScalarBatchNorm2d(outplanes);
        }
        else
        {
            conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
            conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        }
        bn1 = new HeldScalarBatchNorm2d(planes);
        bn2 = new HeldScalarBatchNorm2d(planes);
        if (stride != 1 || inplanes != outplanes)
        {
            downsample = nn.Sequential(("0", nn.Conv2d(inplanes, outplanes, 1, stride: stride, bias: false)),
                                       ("1", new HeldScalarBatchNorm2d(outplanes)));
        }
        RegisterComponents();
    }

    /// <summary>Output channels per <c>planes</c>: 4 for a bottleneck, 1 for a basic block.</summary>
    public static long Expansion(bool bottleneck) => bottleneck ? 4 : 1;

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var y = nn.functional.relu(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        if (conv3 is not null) y = bn3!.call(conv3.call(nn.functional.relu(y)));
        var identity = downsample is null ? x : downsample.call(x);
        return nn.functional.relu(y.Plus(identity)).MoveToOuterDisposeScope();
    }
}
