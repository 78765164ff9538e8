using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// CLIP's ResNet image tower: a 3-conv stem (first conv stride 2) and AvgPool2d(2), four stages of
/// <see cref="Bottleneck"/>s (widths W, 2W, 4W, 8W; stride 2 from stage 2), then <see cref="AttentionPool2d"/>
/// over the R/32 × R/32 grid of 32·W channels.
/// </summary>
internal sealed class ModifiedResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn2;
    private readonly ReLU relu2;
    private readonly Conv2d conv3;
    private readonly BatchNorm bn3;
    private readonly ReLU relu3;
    private readonly AvgPool2d avgpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AttentionPool2d attnpool;

    public ModifiedResNet(IReadOnlyList<int> layers, int outputDim, int heads, int resolution, int width,
                          Device? device, ScalarType? dtype)
        : base(nameof(ModifiedResNet))
    {
        conv1 = nn.Conv2d(3, width / 2, 3, stride: 2, padding: 1, bias: false, device: device, dtype: dtype);
        bn1 = ClipLayers.BatchNorm(width / 2, device, dtype);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(width / 2, width / 2, 3, padding: 1, bias: false, device: device, dtype: dtype);
        bn2 = ClipLayers.BatchNorm(width / 2, device, dtype);
        relu2 = nn.ReLU();
        conv3 = nn.Conv2d(width / 2, width, 3, padding: 1, bias: false, device: device, dtype: dtype);
        bn3 = ClipLayers.BatchNorm(width, device, dtype);
        relu3 = nn.ReLU();
        avgpool = nn.AvgPool2d(2);

        int inplanes = width;
        Sequential Stage(int planes, int blocks, int stride)
        {
            var list = new List<nn.Module<Tensor, Tensor>> { new Bottleneck(inplanes, planes, stride, device, dtype) };
            inplanes = planes * Bottleneck.Expansion;
            for (int i = 1; i < blocks; i++) list.Add(new Bottleneck(inplanes, planes, 1, device, dtype));
            return nn.Sequential(list.ToArray());
        }
        layer1 = Stage(width, layers[0], 1);
        layer2 = Stage(width * 2, layers[1], 2);
        layer3 = Stage(width * 4, layers[2], 2);
        layer4 = Stage(width * 8, layers[3], 2);
        attnpool = new AttentionPool2d(resolution / 32, width * 32, heads, outputDim, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)      // [B, 3, R, R] -> [B, E]
    {
        using var scope = torch.NewDisposeScope();
        var x = relu1.call(bn1.call(conv1.call(images)));
        x = relu2.call(bn2.call(conv2.call(x)));
        x = relu3.call(bn3.call(conv3.call(x)));
        x = avgpool.call(x);                                                   // [B, W, R/4, R/4]
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));             // [B, 32W, R/32, R/32]
        return attnpool.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Initial values as in <c>CLIP.initialize_parameters</c>.</summary>
    public void Initialize()
    {
        attnpool.Initialize();
        foreach (var stage in new[] { layer1, layer2, layer3, layer4 })
        {
            foreach (var block in stage.children().Cast<Bottleneck>()) block.Initialize();
        }
    }
}
