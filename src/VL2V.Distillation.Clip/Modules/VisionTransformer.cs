using VL2V.Distillation.Internal;
using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>
/// CLIP's ViT image tower: patch conv (no bias) → <c>[class; patches] + positional_embedding</c> → <c>ln_pre</c> →
/// transformer → <c>ln_post</c> of the class token → <c>@ proj</c>.
/// </summary>
internal sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;                     // [W, 3, P, P]
    private readonly Parameter class_embedding;        // [W]
    private readonly Parameter positional_embedding;   // [(R/P)^2 + 1, W]
    private readonly ClipLayerNorm ln_pre;
    private readonly Transformer transformer;
    private readonly ClipLayerNorm ln_post;
    private readonly Parameter proj;                   // [W, E]

    public VisionTransformer(int resolution, int patchSize, int width, int layers, int heads, int outputDim,
                             ClipActivation activation, Device? device, ScalarType? dtype)
        : base(nameof(VisionTransformer))
    {
        int grid = resolution / patchSize;
        conv1 = nn.Conv2d(3, width, kernel_size: patchSize, stride: patchSize, bias: false, device: device, dtype: dtype);
        class_embedding = new Parameter(torch.empty(width, dtype: dtype, device: device));
        positional_embedding = new Parameter(torch.empty(grid * grid + 1, width, dtype: dtype, device: device));
        ln_pre = new ClipLayerNorm(width, device, dtype);
        transformer = new Transformer(width, layers, heads, activation, causal: false, device, dtype);
        ln_post = new ClipLayerNorm(width, device, dtype);
        proj = new Parameter(torch.empty(width, outputDim, dtype: dtype, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)      // [B, 3, R, R] -> [B, E]
    {
        using var scope = torch.NewDisposeScope();
        var x = conv1.call(images);                                            // [B, W, g, g]
        long b = x.shape[0], w = x.shape[1];
        x = x.reshape(b, w, -1).permute(0, 2, 1);                              // [B, g², W]
        var cls = class_embedding.to_type(x.dtype).expand(b, 1, w);            // [B, 1, W]
        x = torch.cat([cls, x], dim: 1).Plus(positional_embedding.to_type(x.dtype)); // [B, g²+1, W]
        x = ln_pre.call(x);
        x = transformer.call(x);
        x = ln_post.call(x[.., 0, ..]);                                        // [B, W]
        return x.matmul(proj).MoveToOuterDisposeScope();                      // [B, E]
    }

    /// <summary>Initial values as in <c>VisionTransformer.__init__</c> and <c>CLIP.initialize_parameters</c>.</summary>
    public void Initialize()
    {
        using (torch.no_grad())
        {
            double scale = Math.Pow(class_embedding.shape[0], -0.5);
            nn.init.normal_(class_embedding, std: scale);
            nn.init.normal_(positional_embedding, std: scale);
            nn.init.normal_(proj, std: scale);
        }
        transformer.Initialize();
    }
}
