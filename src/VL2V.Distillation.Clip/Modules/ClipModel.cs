using TorchSharp.Modules;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// OpenAI CLIP in TorchSharp: an image tower (ViT or ModifiedResNet), the causal text transformer and the learnable
/// temperature. Parameter names equal OpenAI's state-dict keys (<c>visual.conv1.weight</c>,
/// <c>transformer.resblocks.0.attn.in_proj_weight</c>, <c>text_projection</c>, <c>logit_scale</c>, …).
/// <c>forward(images, ids)</c> returns <c>logits_per_image</c> [B,N].
/// </summary>
/// <remarks>
/// Build with random weights (OpenAI's initialisation) from a <see cref="ClipConfig"/>, or load weights with
/// <c>ClipCheckpoint.Load</c>. Not thread-safe; call <c>eval()</c> before inference (the ResNet tower has BatchNorm).
/// </remarks>
public sealed class ClipModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> visual;
    private readonly Transformer transformer;
    private readonly Embedding token_embedding;        // [V, W]
    private readonly Parameter positional_embedding;   // [T, W]
    private readonly ClipLayerNorm ln_final;
    private readonly Parameter text_projection;        // [W, E]
    private readonly Parameter logit_scale;            // []

    /// <summary>Builds the model with OpenAI's random initialisation.</summary>
    /// <param name="config">The hyper-parameters; validated first.</param>
    /// <param name="device">Where the parameters live; the default device when <see langword="null"/>. The <c>meta</c> device builds shapes without memory.</param>
    /// <param name="dtype">The parameter dtype; float32 when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The configuration is invalid; every problem is listed.</exception>
    public ClipModel(ClipConfig config, Device? device = null, ScalarType? dtype = null) : this(config, device, dtype, initialize: true)
    {
    }

    /// <summary>Builds the model; <paramref name="initialize"/> = false leaves the weights uninitialised for a loader that overwrites them all.</summary>
    internal ClipModel(ClipConfig config, Device? device, ScalarType? dtype, bool initialize) : base(nameof(ClipModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int heads = config.EffectiveVisionHeads;
        if (config.VisionPatchSize is int patch)
        {
            visual = new VisionTransformer(config.ImageResolution, patch, config.VisionWidth, config.VisionLayers[0], heads,
                                           config.EmbedDim, config.Activation, device, dtype);
        }
        else
        {
            visual = new ModifiedResNet(config.VisionLayers, config.EmbedDim, heads, config.ImageResolution, config.VisionWidth, device, dtype);
        }
        transformer = new Transformer(config.TransformerWidth, config.TransformerLayers, config.TransformerHeads,
                                      config.Activation, causal: true, device, dtype);
        token_embedding = nn.Embedding(config.VocabSize, config.TransformerWidth, device: device, dtype: dtype);
        positional_embedding = new Parameter(torch.empty(config.ContextLength, config.TransformerWidth, dtype: dtype, device: device));
        ln_final = new ClipLayerNorm(config.TransformerWidth, device, dtype);
        text_projection = new Parameter(torch.empty(config.TransformerWidth, config.EmbedDim, dtype: dtype, device: device));
        logit_scale = new Parameter(torch.tensor(Math.Log(1 / 0.07), dtype: dtype ?? ScalarType.Float32, device: device));
        RegisterComponents();
        if (initialize) Initialize();
    }

    /// <summary>The configuration the model was built from.</summary>
    public ClipConfig Config { get; }

    /// <summary>The learned temperature <c>exp(logit_scale)</c> that multiplies cosine similarities (≈ 100 for OpenAI's models).</summary>
    public double LogitScale
    {
        get
        {
            using var _ = torch.no_grad();
            using var scale = logit_scale.to_type(ScalarType.Float64).exp();
            return scale.item<double>();
        }
    }

    /// <summary>The dtype of the parameters (inputs are cast to it).</summary>
    public ScalarType DType => text_projection.dtype;

    /// <summary>Image features as OpenAI's <c>encode_image</c>: not normalised.</summary>
    /// <param name="images">[B,3,R,R] float32 (any floating dtype and device; moved to the model's), normalised with CLIP's mean and std, R = <see cref="ClipConfig.ImageResolution"/>.</param>
    /// <returns>[B,E] in <see cref="DType"/>.</returns>
    /// <exception cref="ArgumentException">The shape or dtype is wrong.</exception>
    public Tensor EncodeImage(Tensor images)
    {
        TensorChecks.Rank(images, 4, nameof(images), $"[B, 3, {Config.ImageResolution}, {Config.ImageResolution}]");
        TensorChecks.FloatingPoint(images, nameof(images));
        if (images.shape[1] != 3 || images.shape[2] != Config.ImageResolution || images.shape[3] != Config.ImageResolution)
        {
            throw new ArgumentException(
                $"Tensor 'images' has shape {TensorChecks.Shape(images)} but this CLIP model takes [B, 3, {Config.ImageResolution}, {Config.ImageResolution}]; " +
                $"resize and crop the images to {Config.ImageResolution} pixels.", nameof(images));
        }
        using var scope = torch.NewDisposeScope();
        return visual.call(images.to(DType, text_projection.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Text features as OpenAI's <c>encode_text</c>: the final-LayerNorm state at each text's first maximum id (the EOT token), times <c>text_projection</c>; not normalised.</summary>
    /// <param name="ids">[N,T] int64 (or int32) token ids, T = <see cref="ClipConfig.ContextLength"/>, as CLIP's tokenizer pads them.</param>
    /// <returns>[N,E] in <see cref="DType"/>.</returns>
    /// <exception cref="ArgumentException">The shape or dtype is wrong.</exception>
    public Tensor EncodeText(Tensor ids)
    {
        TensorChecks.Rank(ids, 2, nameof(ids), $"[N, {Config.ContextLength}]");
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32))
        {
            throw new ArgumentException($"Tensor 'ids' {TensorChecks.Shape(ids)} has dtype {ids.dtype} but must hold int64 token ids.", nameof(ids));
        }
        if (ids.shape[1] != Config.ContextLength)
        {
            throw new ArgumentException(
                $"Tensor 'ids' has shape {TensorChecks.Shape(ids)} but this CLIP model takes [N, {Config.ContextLength}]; pad or truncate to {Config.ContextLength} tokens.", nameof(ids));
        }
        using var scope = torch.NewDisposeScope();
        var tokens = ids.to(ScalarType.Int64, text_projection.device);
        var x = token_embedding.call(tokens).Plus(positional_embedding);           // [N, T, W]
        x = transformer.call(x);
        x = ln_final.call(x);
        var eot = tokens.argmax(-1);                                           // [N], first maximum
        var pooled = x[HeldScalars.Range(x.shape[0], x.device), eot];       // [N, W]
        return pooled.matmul(text_projection).MoveToOuterDisposeScope();       // [N, E]
    }

    /// <summary>Cosine similarities scaled by <c>exp(logit_scale)</c>: OpenAI's <c>logits_per_image</c> (its transpose is <c>logits_per_text</c>).</summary>
    /// <param name="images">[B,3,R,R] float32, as for <see cref="EncodeImage"/>.</param>
    /// <param name="ids">[N,T] int64, as for <see cref="EncodeText"/>.</param>
    /// <returns>[B,N] in <see cref="DType"/>.</returns>
    public override Tensor forward(Tensor images, Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var image = nn.functional.normalize(EncodeImage(images), dim: -1);
        var text = nn.functional.normalize(EncodeText(ids), dim: -1);
        return (logit_scale.exp() * image.matmul(text.t())).MoveToOuterDisposeScope();
    }

    private void Initialize()
    {
        using (torch.no_grad())
        {
            nn.init.normal_(token_embedding.weight!, std: 0.02);
            nn.init.normal_(positional_embedding, std: 0.01);
            nn.init.normal_(text_projection, std: Math.Pow(Config.TransformerWidth, -0.5));
        }
        transformer.Initialize();
        switch (visual)
        {
            case VisionTransformer vit: vit.Initialize(); break;
            case ModifiedResNet resnet: resnet.Initialize(); break;
        }
    }
}
