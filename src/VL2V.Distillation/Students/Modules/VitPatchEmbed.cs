using TorchSharp.Modules;

namespace VL2V.Distillation.Students.Modules;

/// <summary>Cuts an image into non-overlapping patches and embeds each with one strided convolution (with bias).</summary>
internal sealed class VitPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    public VitPatchEmbed(long patchSize, long dim) : base(nameof(VitPatchEmbed))
    {
        proj = nn.Conv2d(3, dim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)                  // [B, 3, H, W] -> [B, N, D], N = (H/P)(W/P)
    {
        using var grid = proj.call(images);                        // [B, D, H/P, W/P]
        return grid.flatten(2).transpose(1, 2);
    }
}
