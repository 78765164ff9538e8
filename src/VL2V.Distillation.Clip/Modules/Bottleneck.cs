using VL2V.Distillation.Internal;
using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// CLIP's ResNet bottleneck: 1×1 → 3×3 → AvgPool2d(stride) → 1×1 (×4 channels), every conv without bias and
/// followed by BatchNorm; the shortcut is <c>AvgPool2d(stride) → 1×1 conv → BN</c> (keys <c>downsample.0/1</c>,
/// the pool is named <c>-1</c>) when the stride or the channel count changes.
/// </summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn2;
    private readonly ReLU relu2;
    private readonly nn.Module<Tensor, Tensor> avgpool;
    private readonly Conv2d conv3;
    private readonly BatchNorm bn3;
    private readonly ReLU relu3;
    private readonly Sequential? downsample;

    public Bottleneck(int inplanes, int planes, int stride, Device? device, ScalarType? dtype) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false, device: device, dtype: dtype);
        bn1 = ClipLayers.BatchNorm(planes, device, dtype);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false, device: device, dtype: dtype);
        bn2 = ClipLayers.BatchNorm(planes, device, dtype);
        relu2 = nn.ReLU();
        avgpool = stride > 1 ? nn.AvgPool2d(stride) : nn.Identity();
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false, device: device, dtype: dtype);
        bn3 = ClipLayers.BatchNorm(planes * Expansion, device, dtype);
        relu3 = nn.ReLU();
        if (stride > 1 || inplanes != planes * Expansion)
        {
            downsample = nn.Sequential(
                ("-1", nn.AvgPool2d(stride)),
                ("0", nn.Conv2d(inplanes, planes * Expansion, 1, stride: 1, bias: false, device: device, dtype: dtype)),
                ("1", ClipLayers.BatchNorm(planes * Expansion, device, dtype)));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)           // [B, C, H, W] -> [B, 4·planes, H/s, W/s]
    {
        using var scope = torch.NewDisposeScope();
        var y = relu1.call(bn1.call(conv1.call(x)));
        y = relu2.call(bn2.call(conv2.call(y)));
        y = avgpool.call(y);
        y = bn3.call(conv3.call(y));
        var identity = downsample is null ? x : downsample.call(x);
        return relu3.call(y.Plus(identity)).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP.initialize_parameters zeroes the last BatchNorm's weight of every block.</summary>
    public void Initialize()
    {
        using var _ = torch.no_grad();
        bn3.weight!.zero_();
    }
}
