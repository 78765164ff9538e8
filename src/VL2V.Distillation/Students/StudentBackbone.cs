using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Students;

/// <summary>
/// The feature extractor <c>f</c> of a <see cref="Student"/>: maps images <c>[B, 3, H, W]</c> float32 to pooled
/// features <c>[B, F]</c> float32.
/// </summary>
/// <remarks>
/// <para>Built-in backbones: <see cref="ResNetBackbone"/> (torchvision ResNet-18/50), <see cref="VisionTransformerBackbone"/>
/// (ViT-B/16, ViT-S/16, DeiT-S distilled) and <see cref="SmallCnnBackbone"/> (tiny images, CPU). Derive from this
/// class to plug in another one; a backbone whose output already lives in the teacher's embedding space (the CLIP
/// image encoder of VL2V-SD) is used with <c>embeddingDim: null</c> in the <see cref="Student"/> constructor, so
/// no projection head is added.</para>
/// <para>Implementations create every submodule in their constructor and call <c>RegisterComponents()</c> last; their
/// state-dict keys are the names <see cref="LoadWeights"/> expects.</para>
/// </remarks>
public abstract class StudentBackbone : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the backbone module.</summary>
    /// <param name="name">The module name (usually the type name).</param>
    protected StudentBackbone(string name) : base(name)
    {
    }

    /// <summary>The size <c>F</c> of the features this backbone returns.</summary>
    public abstract long FeatureDim { get; }

    /// <summary>
    /// Loads pretrained weights from a state-dict file (<c>.pt</c>/<c>.pth</c> saved by <c>torch.save(state_dict)</c>,
    /// or <c>.safetensors</c>; read by <see cref="StateDictFile.Read"/>, so <c>{"model": …}</c> wrappers and a
    /// <c>module.</c> prefix are accepted), strictly: every parameter and buffer must be present with the right shape.
    /// </summary>
    /// <remarks>
    /// The base implementation expects this module's own key names (a file written from this backbone's
    /// <c>state_dict()</c>). Backbones that read third-party files (torchvision, timm) override it and map those names
    /// to their own at the file boundary; what they drop (e.g. the ImageNet classifier) is documented there.
    /// Floating-point tensors of another precision (e.g. float16) are converted to the module's dtype.
    /// </remarks>
    /// <param name="path">The weights file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable state dict.</exception>
    /// <exception cref="CheckpointMismatchException">The keys or shapes do not match this backbone; the message lists them.</exception>
    public virtual void LoadWeights(string path)
    {
        var stateDict = StateDictFile.Read(path);
        try
        {
            StateDictLoader.Load(this, stateDict, path, Description);
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }
    }

    /// <summary>The architecture and configuration in a few words, for error messages (e.g. <c>ResNet-50 backbone</c>).</summary>
    protected virtual string Description => GetType().Name;
}
