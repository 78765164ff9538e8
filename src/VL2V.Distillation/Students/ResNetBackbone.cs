using TorchSharp.Modules;
using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Students;

/// <summary>
/// A torchvision ResNet without its classifier: images <c>[B, 3, H, W]</c> float32 → global-average-pooled features
/// <c>[B, 512]</c> (ResNet-18) or <c>[B, 2048]</c> (ResNet-50) float32.
/// </summary>
/// <remarks>
/// <para>The layers come from TorchVision for TorchSharp (<c>torchvision.models.resnet18/50</c>); <c>fc</c> is
/// removed. State-dict keys are torchvision's without <c>fc.*</c> (<c>conv1.weight</c>, <c>bn1.running_mean</c>,
/// <c>layer1.0.conv1.weight</c>, …, <c>layer4.*</c>), so ImageNet weights saved by PyTorch's torchvision load as
/// they are. Bottleneck blocks are torchvision's "v1.5" (stride on the 3×3 convolution).</para>
/// <para>Any input size from 32×32 up works (the network downsamples by 32 and pools globally).</para>
/// </remarks>
public sealed class ResNetBackbone : StudentBackbone
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly string _variant;

    internal ResNetBackbone(string variant, long featureDim, Func<ResNet> create, int[]? blocksPerStage = null)
        : base(nameof(ResNetBackbone))
    {
        _variant = variant;
        FeatureDim = featureDim;
        var resnet = create();
        var children = resnet.named_children().ToDictionary(c => c.name, c => c.module);
        conv1 = (nn.Module<Tensor, Tensor>)children[nameof(conv1)];
        bn1 = (nn.Module<Tensor, Tensor>)children[nameof(bn1)];
        layer1 = Stage(children, nameof(layer1), blocksPerStage?[0]);
        layer2 = Stage(children, nameof(layer2), blocksPerStage?[1]);
        layer3 = Stage(children, nameof(layer3), blocksPerStage?[2]);
        layer4 = Stage(children, nameof(layer4), blocksPerStage?[3]);
        // Only the classifier is freed: disposing the torchvision wrapper would free the layers adopted above
        // (its finalizer does not touch submodules).
        children["fc"].Dispose();
        RegisterComponents();
    }

    /// <summary>ResNet-18 (BasicBlock, [2, 2, 2, 2]), 512-d features, randomly initialised as torchvision does.</summary>
    public static ResNetBackbone ResNet18() =>
        new("ResNet-18", 512, () => torchvision.models.resnet18(num_classes: 1));

    /// <summary>ResNet-50 (Bottleneck, [3, 4, 6, 3]), 2048-d features, randomly initialised as torchvision does.</summary>
    public static ResNetBackbone ResNet50() =>
        new("ResNet-50", 2048, () => torchvision.models.resnet50(num_classes: 1));

    /// <summary>
    /// ResNet-50 cut to its first <paramref name="blocksPerStage"/> blocks per stage (at most [3, 4, 6, 3]); keys stay
    /// ResNet-50's. TorchVision does not expose its Bottleneck block, so smaller Bottleneck ResNets are built this way.
    /// </summary>
    internal static ResNetBackbone TruncatedResNet50(params int[] blocksPerStage) =>
        new($"ResNet-50 cut to [{string.Join(", ", blocksPerStage)}] blocks", 2048,
            () => torchvision.models.resnet50(num_classes: 1), blocksPerStage);

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

    private static Sequential Stage(Dictionary<string, nn.Module> children, string name, int? keep)
    {
        var stage = (Sequential)children[name];
        if (keep is not { } k) return stage;
        var blocks = stage.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, blocks.Length, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, name);
        foreach (var dropped in blocks.Skip(k)) dropped.Dispose();
        return nn.Sequential(blocks.Take(k).ToArray());
    }
}
