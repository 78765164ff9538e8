using TorchSharp.Modules;
using VL2V.Distillation.Students.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>Layer factories that keep TorchSharp's quirks out of the blocks.</summary>
internal static class ClipLayers
{
    /// <summary>
    /// BatchNorm2d (eps 1e-5) in the given floating dtype, counting training batches with a held scalar
    /// (<see cref="HeldScalarBatchNorm2d"/>: the embedded teacher trains its ModifiedResNet's BatchNorm). Passing the dtype
    /// at construction would also turn the int64 <c>num_batches_tracked</c> buffer into a float;
    /// <c>Module.to(dtype)</c> converts floating tensors only.
    /// </summary>
    public static BatchNorm BatchNorm(long features, Device? device, ScalarType? dtype)
    {
        var bn = new HeldScalarBatchNorm2d(features, device);
        if (dtype is { } d && d != ScalarType.Float32) bn.to(d);
        return bn;
    }
}
