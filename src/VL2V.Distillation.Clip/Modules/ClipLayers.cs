using TorchSharp.Modules;

namespace VL2V.Distillation.Clip.Modules;

/// <summary>Layer factories that keep TorchSharp's quirks out of the blocks.</summary>
internal static class ClipLayers
{
    /// <summary>
    /// BatchNorm2d (eps 1e-5) in the given floating dtype. Passing the dtype to <c>nn.BatchNorm2d</c> would also turn
    /// the int64 <c>num_batches_tracked</c> buffer into a float; <c>Module.to(dtype)</c> converts floating tensors only.
    /// </summary>
    public static BatchNorm2d BatchNorm(long features, Device? device, ScalarType? dtype)
    {
        var bn = nn.BatchNorm2d(features, device: device);
        if (dtype is { } d && d != ScalarType.Float32) bn.to(d);
        return bn;
    }
}
