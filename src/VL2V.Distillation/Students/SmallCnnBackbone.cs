using TorchSharp.Modules;

namespace VL2V.Distillation.Students;

/// <summary>
/// A small convolutional network for 32–64 px images that trains in seconds on a CPU (tests, the embedded
/// benchmark, quick starts): images <c>[B, 3, H, W]</c> float32 → features <c>[B, 8·width]</c> float32.
/// </summary>
/// <remarks>
/// Four stages of 3×3 convolution (no bias) → BatchNorm → ReLU with widths <c>w, 2w, 4w, 8w</c>; the first three
/// are followed by 2×2 max pooling, the last by global average pooling. About 0.39 M parameters and 15 M
/// multiply-adds per 32×32 image at <c>width = 32</c>. Inputs must be at least 8×8. Not an architecture from the paper.
/// State-dict keys: <c>stages.{0-3}.{conv,bn}.*</c>.
/// </remarks>
public sealed class SmallCnnBackbone : StudentBackbone
{
    private readonly Sequential stages;

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="width">Channels of the first stage <c>w</c>; the features have <c>8·w</c> dimensions.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is less than 1.</exception>
    public SmallCnnBackbone(int width = 32) : base(nameof(SmallCnnBackbone))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var channels = new long[] { 3, width, 2 * width, 4 * width, 8 * width };
        stages = nn.Sequential(Enumerable.Range(0, 4).Select(i => (nn.Module<Tensor, Tensor>)nn.Sequential(
            ("conv", nn.Conv2d(channels[i], channels[i + 1], kernel_size: 3, padding: 1, bias: false)),
            ("bn", new Modules.HeldScalarBatchNorm2d(channels[i + 1])),
            ("relu", nn.ReLU()),
            ("pool", i < 3 ? nn.MaxPool2d(2) : nn.AdaptiveAvgPool2d(1)))).ToArray());
        FeatureDim = 8L * width;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override long FeatureDim { get; }

    /// <inheritdoc />
    protected override string Description => $"small CNN backbone ({FeatureDim}-d features)";

    /// <summary>Computes pooled features.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32, H and W at least 8.</param>
    /// <returns>Features <c>[B, 8·width]</c> float32.</returns>
    public override Tensor forward(Tensor images)
    {
        using var pooled = stages.call(images);                   // [B, 8w, 1, 1]
        return pooled.flatten(1);
    }
}
