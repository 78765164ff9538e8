using VL2V.Distillation.Internal;
using TorchSharp.Modules;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Students.Modules;

namespace VL2V.Distillation.Students;

/// <summary>
/// A Vision Transformer (ViT / DeiT) without its classifier: images <c>[B, 3, S, S]</c> float32 → features
/// <c>[B, D]</c> float32, the class token after the final LayerNorm.
/// </summary>
/// <remarks>
/// <para>Architecture of timm's <c>VisionTransformer</c> as the official VL2V code builds it
/// (<c>vit_base_patch16_224</c>, <c>vit_small_patch16_224</c>, <c>deit_small_distilled_patch16_224</c> with
/// <c>head</c>/<c>head_dist</c> replaced by <c>Identity</c>), which is also torchvision's <c>VisionTransformer</c>:
/// patch convolution with bias, <c>[class; (dist;) patches] + pos_embed</c>, pre-norm blocks (LayerNorm eps 1e-6,
/// erf GELU, qkv with bias), final LayerNorm; no dropout.</para>
/// <para>Features: ViT: the class token (timm <c>global_pool='token'</c>, torchvision's input of <c>heads.head</c>).
/// DeiT distilled: the mean of the class and distillation tokens, because that is what timm's
/// <c>VisionTransformerDistilled</c> returns with both heads set to <c>Identity</c> (<c>forward_head</c> averages
/// <c>head(x[:, 0])</c> and <c>head_dist(x[:, 1])</c> unless <c>set_distilled_training</c> was called, which the
/// official code never does), in training and in evaluation mode.</para>
/// <para>State-dict keys use timm's names (<c>cls_token</c>, <c>dist_token</c>, <c>pos_embed</c>,
/// <c>patch_embed.proj.*</c>, <c>blocks.N.norm1.*</c>, <c>blocks.N.attn.qkv.*</c>, <c>blocks.N.attn.proj.*</c>,
/// <c>blocks.N.norm2.*</c>, <c>blocks.N.mlp.fc1.*</c>, <c>blocks.N.mlp.fc2.*</c>, <c>norm.*</c>);
/// <see cref="LoadWeights"/> also reads torchvision <c>vit_*</c> names.</para>
/// <para>The position embedding is fixed to one image size: inputs must be <see cref="ImageSize"/> square.</para>
/// </remarks>
public sealed class VisionTransformerBackbone : StudentBackbone
{
    private readonly VitPatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter? dist_token;
    private readonly Parameter pos_embed;
    private readonly Sequential blocks;
    private readonly LayerNorm norm;
    private readonly string _name;

    /// <summary>Creates a randomly initialised Vision Transformer (timm's initialisation).</summary>
    /// <param name="imageSize">Input height and width <c>S</c> in pixels; a multiple of <paramref name="patchSize"/>.</param>
    /// <param name="patchSize">Patch height and width <c>P</c>.</param>
    /// <param name="layers">Number of transformer blocks.</param>
    /// <param name="heads">Attention heads; must divide <paramref name="hiddenDim"/>.</param>
    /// <param name="hiddenDim">Token width <c>D</c>, which is also <see cref="FeatureDim"/>.</param>
    /// <param name="mlpDim">Hidden width of each block's MLP (4·D in ViT/DeiT).</param>
    /// <param name="distillationToken">True for DeiT's distilled variant: adds <c>dist_token</c> and averages it with the class token.</param>
    /// <param name="name">Architecture name used in error messages, e.g. <c>ViT-B/16</c>.</param>
    /// <exception cref="ArgumentException">A size is not positive or the sizes do not divide as required.</exception>
    public VisionTransformerBackbone(
        int imageSize, int patchSize, int layers, int heads, int hiddenDim, int mlpDim,
        bool distillationToken = false, string name = "Vision Transformer")
        : base(nameof(VisionTransformerBackbone))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, patchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(mlpDim, 1);
        if (imageSize % patchSize != 0)
        {
            throw new ArgumentException(
                $"The image size {imageSize} is not a multiple of the patch size {patchSize}; choose an image size divisible by {patchSize}.",
                nameof(imageSize));
        }
        if (hiddenDim % heads != 0)
        {
            throw new ArgumentException(
                $"The hidden size {hiddenDim} is not divisible by the {heads} attention heads.", nameof(heads));
        }
        ImageSize = imageSize;
        PatchSize = patchSize;
        HasDistillationToken = distillationToken;
        _name = name;
        var tokens = (imageSize / patchSize) * (imageSize / patchSize) + (distillationToken ? 2 : 1);

        patch_embed = new VitPatchEmbed(patchSize, hiddenDim);
        cls_token = new Parameter(torch.zeros(1, 1, hiddenDim));
        dist_token = distillationToken ? new Parameter(torch.zeros(1, 1, hiddenDim)) : null;
        pos_embed = new Parameter(torch.zeros(1, tokens, hiddenDim));
        blocks = nn.Sequential(Enumerable.Range(0, layers)
            .Select(_ => (nn.Module<Tensor, Tensor>)new VitBlock(hiddenDim, heads, mlpDim)).ToArray());
        norm = nn.LayerNorm(hiddenDim, eps: 1e-6);
        InitializeLikeTimm();
        FeatureDim = hiddenDim;
        RegisterComponents();
    }

    /// <summary>ViT-B/16: 12 blocks, 12 heads, width 768, MLP 3072 (timm <c>vit_base_patch16_224</c>); 768-d features.</summary>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static VisionTransformerBackbone VitB16(int imageSize = 224) =>
        new(imageSize, 16, 12, 12, 768, 3072, name: "ViT-B/16");

    /// <summary>ViT-S/16: 12 blocks, 6 heads, width 384, MLP 1536 (timm <c>vit_small_patch16_224</c>); 384-d features.</summary>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static VisionTransformerBackbone VitS16(int imageSize = 224) =>
        new(imageSize, 16, 12, 6, 384, 1536, name: "ViT-S/16");

    /// <summary>
    /// DeiT-S distilled: ViT-S/16 with a distillation token (timm <c>deit_small_distilled_patch16_224</c>); 384-d
    /// features, the mean of the class and distillation tokens.
    /// </summary>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static VisionTransformerBackbone DeitS16Distilled(int imageSize = 224) =>
        new(imageSize, 16, 12, 6, 384, 1536, distillationToken: true, name: "DeiT-S/16 distilled");

    /// <inheritdoc />
    public override long FeatureDim { get; }

    /// <summary>The input height and width the position embedding was built for.</summary>
    public int ImageSize { get; }

    /// <summary>The patch height and width.</summary>
    public int PatchSize { get; }

    /// <summary>Whether the model has DeiT's distillation token.</summary>
    public bool HasDistillationToken { get; }

    /// <inheritdoc />
    protected override string Description => $"{_name} backbone (image size {ImageSize}, patch {PatchSize})";

    /// <summary>Computes the pooled token features.</summary>
    /// <param name="images">Images <c>[B, 3, S, S]</c> float32 with <c>S</c> = <see cref="ImageSize"/>.</param>
    /// <returns>Features <c>[B, D]</c> float32.</returns>
    /// <exception cref="ArgumentException">The images are not <see cref="ImageSize"/> square.</exception>
    public override Tensor forward(Tensor images)
    {
        if (images.dim() != 4 || images.shape[2] != ImageSize || images.shape[3] != ImageSize)
        {
            throw new ArgumentException(
                $"The {_name} expects images [B, 3, {ImageSize}, {ImageSize}] but got [{string.Join(", ", images.shape)}]; " +
                $"resize the images to {ImageSize}×{ImageSize} or build the backbone with imageSize: {images.shape[^1]}.",
                nameof(images));
        }
        using var scope = torch.NewDisposeScope();
        var patches = patch_embed.call(images);                                   // [B, N, D]
        var b = patches.shape[0];
        var prefix = dist_token is null
            ? new[] { cls_token.expand(b, -1, -1) }
            : new[] { cls_token.expand(b, -1, -1), dist_token.expand(b, -1, -1) };
        var x = torch.cat([.. prefix, patches], dim: 1).Plus(pos_embed);              // [B, T, D]
        x = norm.call(blocks.call(x));
        var features = dist_token is null ? x[.., 0] : x[.., 0].Plus(x[.., 1]).DividedBy(2);  // [B, D]
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads a state dict with timm names (<c>timm.create_model(...).state_dict()</c>) or torchvision names
    /// (<c>torchvision.models.vit_*</c>: <c>class_token</c>, <c>conv_proj</c>, <c>encoder.layers.encoder_layer_N.*</c>),
    /// strictly. The ImageNet classifier (<c>head.*</c>, <c>head_dist.*</c>, <c>heads.head.*</c>) is discarded.
    /// </summary>
    /// <param name="path">The weights file (<c>.pt</c>/<c>.pth</c> or <c>.safetensors</c>).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable state dict.</exception>
    /// <exception cref="CheckpointMismatchException">The keys or shapes do not match this configuration; the message lists them.</exception>
    public override void LoadWeights(string path)
    {
        var file = StateDictFile.Read(path);
        try
        {
            var convention = VitKeyMap.DetectConvention(file.Keys);
            var stateDict = VitKeyMap.ToOwnNames(file, convention);
            StateDictLoader.Load(this, stateDict, path, Description,
                $"The file was read with {convention} key names. Check the variant (depth, width, distillation token) and that " +
                $"the position embedding was trained for {ImageSize}×{ImageSize} images (pos_embed has {pos_embed.shape[1]} tokens here).");
        }
        finally
        {
            foreach (var tensor in file.Values) tensor.Dispose();
        }
    }

    private void InitializeLikeTimm()
    {
        // timm: trunc_normal_(std=.02) truncated at ±2 (absolute) = ±100σ, which never triggers, so a plain normal
        // draw is the same distribution. (TorchSharp 0.107's nn.init.trunc_normal_ is not used: with std: 0.02 it
        // filled tensors with the constant 0.02 and produced non-finite values.)
        using var noGrad = torch.no_grad();
        pos_embed.normal_(0, 0.02).ClampInPlace(-2, 2);
        cls_token.normal_(0, 1e-6);
        dist_token?.normal_(0, 0.02).ClampInPlace(-2, 2);
        foreach (var module in blocks.modules().OfType<Linear>())
        {
            module.weight!.normal_(0, 0.02).ClampInPlace(-2, 2);
            module.bias?.zero_();
        }
    }
}
