using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>A stack of <see cref="ResidualAttentionBlock"/>s (<c>resblocks.{i}</c>), batch-first.</summary>
internal sealed class Transformer : nn.Module<Tensor, Tensor>
{
    private readonly Sequential resblocks;

    public Transformer(int width, int layers, int heads, ClipActivation activation, bool causal, Device? device, ScalarType? dtype)
        : base(nameof(Transformer))
    {
        Width = width;
        Layers = layers;
        resblocks = nn.Sequential(Enumerable.Range(0, layers)
            .Select(_ => (nn.Module<Tensor, Tensor>)new ResidualAttentionBlock(width, heads, activation, causal, device, dtype))
            .ToArray());
        RegisterComponents();
    }

    public int Width { get; }

    public int Layers { get; }

    public override Tensor forward(Tensor x) => resblocks.call(x);   // [B, L, D] -> [B, L, D]

    /// <summary>Initial values as in <c>CLIP.initialize_parameters</c> (std scaled by width and depth).</summary>
    public void Initialize()
    {
        double projStd = Math.Pow(Width, -0.5) * Math.Pow(2 * Layers, -0.5);
        double attnStd = Math.Pow(Width, -0.5);
        double fcStd = Math.Pow(2 * Width, -0.5);
        foreach (var block in resblocks.children().Cast<ResidualAttentionBlock>())
        {
            block.Initialize(attnStd, projStd, fcStd);
        }
    }
}
