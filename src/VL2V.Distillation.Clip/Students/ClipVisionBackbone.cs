using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Internal;
using VL2V.Distillation.Students;

namespace VL2V.Distillation.Clip.Students;

/// <summary>
/// The VL2V-SD student backbone: a CLIP image tower (ViT or ModifiedResNet) whose output is already CLIP's projected
/// embedding <c>[B, E]</c>, so the <see cref="Student"/> is built with <c>embeddingDim: null</c> (no extra head).
/// Every parameter is trainable, CLIP's <c>visual.proj</c> included (official <c>DFC_CLIP_INIT</c>, PAPER.md §2.7).
/// </summary>
/// <remarks>
/// State-dict keys are OpenAI's with the <c>visual.</c> prefix (<c>visual.conv1.weight</c>, <c>visual.proj</c>, …), so
/// <see cref="StudentBackbone.LoadWeights"/> reads a file saved from this backbone. Build it from a model with
/// <see cref="ClipStudents.FromModel"/>, which copies the weights (the student never shares a tensor with the teacher).
/// The ResNet tower has BatchNorm: in training mode its statistics update unless the <see cref="Student"/>'s
/// <c>FreezeBatchNormStatistics</c> is set.
/// </remarks>
public sealed class ClipVisionBackbone : StudentBackbone
{
    private readonly nn.Module<Tensor, Tensor> visual;

    /// <summary>Builds the image tower of <paramref name="config"/> with uninitialised weights; copy weights in with <see cref="ClipStudents.FromModel"/> or <see cref="StudentBackbone.LoadWeights"/>.</summary>
    /// <param name="config">The CLIP architecture (validated).</param>
    /// <param name="device">Where the parameters live; null for the CPU.</param>
    /// <param name="dtype">The parameter dtype; float32 when null.</param>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public ClipVisionBackbone(ClipConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(ClipVisionBackbone))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int heads = config.EffectiveVisionHeads;
        visual = config.VisionPatchSize is int patch
            ? new VisionTransformer(config.ImageResolution, patch, config.VisionWidth, config.VisionLayers[0], heads,
                                    config.EmbedDim, config.Activation, device, dtype)
            : new ModifiedResNet(config.VisionLayers, config.EmbedDim, heads, config.ImageResolution, config.VisionWidth, device, dtype);
        RegisterComponents();
    }

    /// <summary>The CLIP architecture whose image tower this is.</summary>
    public ClipConfig Config { get; }

    /// <summary>The CLIP embedding size <c>E</c> (512 for ViT-B/16).</summary>
    public override long FeatureDim => Config.EmbedDim;

    /// <inheritdoc />
    protected override string Description => $"CLIP image tower of {Config}";

    /// <summary>CLIP's <c>encode_image</c>: the projected, not normalised embedding.</summary>
    /// <param name="images">Images <c>[B, 3, R, R]</c> float32, R = <see cref="ClipConfig.ImageResolution"/>; cast to the parameters' dtype and device.</param>
    /// <returns>Embeddings <c>[B, E]</c> in the parameters' dtype.</returns>
    /// <exception cref="ArgumentException">The images are not <c>[B, 3, R, R]</c>.</exception>
    public override Tensor forward(Tensor images)
    {
        TensorChecks.Rank(images, 4, nameof(images), $"[B, 3, {Config.ImageResolution}, {Config.ImageResolution}]");
        if (images.shape[1] != 3 || images.shape[2] != Config.ImageResolution || images.shape[3] != Config.ImageResolution)
        {
            throw new ArgumentException(
                $"Tensor 'images' has shape {TensorChecks.Shape(images)} but the CLIP image tower takes [B, 3, {Config.ImageResolution}, {Config.ImageResolution}]; " +
                $"produce {Config.ImageResolution}-pixel images (e.g. AugmentationOptions.Size = {Config.ImageResolution}).", nameof(images));
        }
        var parameter = parameters().First();
        using var scope = torch.NewDisposeScope();
        return visual.call(images.to(parameter.dtype, parameter.device)).MoveToOuterDisposeScope();
    }
}
