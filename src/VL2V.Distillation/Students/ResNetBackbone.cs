using TorchSharp.Modules;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Students.Modules;

namespace VL2V.Distillation.Students;

/// <summary>
/// A torchvision ResNet without its classifier: images <c>[B, 3, H, W]</c> float32 → global-average-pooled features
/// <c>[B, 512]</c> (ResNet-18) or <c>[B, 2048]</c> (ResNet-50) float32.
/// </summary>
/// <remarks>
/// <para>torchvision's architecture written with the library's blocks (<see cref="Modules.ResNetBlock"/>, whose
/// scalars are held), without <c>fc</c>. State-dict keys are torchvision's without <c>fc.*</c> (<c>conv1.weight</c>, <c>bn1.running_mean</c>,
/// <c>layer1.0.conv1.weight</c>, …, <c>layer4.*</c>), so ImageNet weights saved by PyTorch's torchvision load as
/// they are. Bottleneck blocks are torchvision's "v1.5" (stride on the 3×3 convolution).</para>
/// <para>Any input size from 32×32 up works (the network downsamples by 32 and pools globally).</para>
/// </remarks>
public sealed class ResNetBackbone : StudentBackbone
{
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly string _variant;

    private ResNetBackbone(string variant, bool bottleneck, int[] blocksPerStage) : base(nameof(ResNetBackbone))
    {
        _variant = variant;
        long expansion = ResNetBlock.Expansion(bottleneck);
        FeatureDim = 512 * expansion;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = new HeldScalarBatchNorm2d(64);
        long inplanes = 64;
        Sequential Stage(int index, long planes, long stride)
        {
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < blocksPerStage[index]; b++)
            {
                blocks.Add(new ResNetBlock(inplanes, planes, b == 0 ? stride : 1, bottleneck));
                inplanes = planes * expansion;
            }
            return nn.Sequential(blocks.ToArray());
        }
        layer1 = Stage(0, 64, 1);
        layer2 = Stage(1, 128, 2);
        layer3 = Stage(2, 256, 2);
        layer4 = Stage(3, 512, 2);
        RegisterComponents();
        InitializeLikeTorchvision();
    }

    /// <summary>ResNet-18 (BasicBlock, [2, 2, 2, 2]), 512-d features, randomly initialised as torchvision does.</summary>
    public static ResNetBackbone ResNet18() => new("ResNet-18", bottleneck: false, [2, 2, 2, 2]);

    /// <summary>ResNet-50 (Bottleneck, [3, 4, 6, 3]), 2048-d features, randomly initialised as torchvision does.</summary>
    public static ResNetBackbone ResNet50() => new("ResNet-50", bottleneck: true, [3, 4, 6, 3]);

    /// <summary>
    /// ResNet-50 cut to its first <paramref name="blocksPerStage"/> blocks per stage (at most [3, 4, 6, 3]); keys stay
    /// ResNet-50's. Small Bottleneck ResNets for tests.
    /// </summary>
    internal static ResNetBackbone TruncatedResNet50(params int[] blocksPerStage)
    {
        int[] full = [3, 4, 6, 3];
        if (blocksPerStage.Length != 4) throw new ArgumentException("Four stage sizes are required.", nameof(blocksPerStage));
        for (int i = 0; i < 4; i++)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(blocksPerStage[i], full[i], $"layer{i + 1}");
            ArgumentOutOfRangeException.ThrowIfLessThan(blocksPerStage[i], 1, $"layer{i + 1}");
        }
        return new($"ResNet-50 cut to [{string.Join(", ", blocksPerStage)}] blocks", bottleneck: true, blocksPerStage);
    }

    /// <summary>torchvision's initialisation: Kaiming-normal (fan-out, ReLU) convolutions, BatchNorm weight 1 and bias 0.</summary>
    private void InitializeLikeTorchvision()
    {
        using var _ = torch.no_grad();
        foreach (var module in modules())
        {
            if (module is Conv2d conv) nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (module is BatchNorm norm)
            {
                nn.init.ones_(norm.weight);
                nn.init.zeros_(norm.bias);
            }
        }
    }

    /// <inheritdoc />
    public override long FeatureDim { get; }

    /// <inheritdoc />
    protected override string Description => $"{_variant} backbone";

    /// <summary>Computes pooled features.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32, ImageNet-normalised.</param>
    /// <returns>Features <c>[B, F]</c> float32 after global average pooling.</returns>
    public override Tensor forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(images)));
        x = nn.functional.max_pool2d(x, kernel_size: 3, stride: 2, padding: 1);
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));   // [B, F, H/32, W/32]
        return nn.functional.adaptive_avg_pool2d(x, 1).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads a torchvision ResNet state dict (<c>torch.save(resnet.state_dict())</c> as <c>.pt</c>/<c>.pth</c>, or
    /// <c>.safetensors</c>) strictly; its ImageNet classifier <c>fc.weight</c>/<c>fc.bias</c> is discarded.
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable state dict.</exception>
    /// <exception cref="CheckpointMismatchException">The keys or shapes are not those of this ResNet; the message lists them.</exception>
    public override void LoadWeights(string path)
    {
        var file = StateDictFile.Read(path);
        try
        {
            var stateDict = file.Where(e => e.Key is not ("fc.weight" or "fc.bias")).ToDictionary(StringComparer.Ordinal);
            StateDictLoader.Load(this, stateDict, path, Description,
                $"The {_variant} expects torchvision key names (conv1.weight, bn1.*, layer1.0.conv1.weight, …); " +
                "check that the file is a torchvision ResNet of the same depth.");
        }
        finally
        {
            foreach (var tensor in file.Values) tensor.Dispose();
        }
    }
}
