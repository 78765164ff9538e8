using VL2V.Distillation.Data;

namespace VL2V.Distillation.Internal;

/// <summary>uint8 image batches to the library's default network input, as tensors (the pixel pipeline does the same per image).</summary>
internal static class ImageNetTensors
{
    /// <summary><c>x / 255</c>, then ImageNet mean/std per channel: <c>[B,3,H,W]</c> uint8 → <c>[B,3,H,W]</c> float32.</summary>
    public static Tensor Normalize(Tensor images)
    {
        TensorChecks.Rank(images, 4, nameof(images), "[B, 3, H, W]");
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(AugmentationOptions.ImageNetMean.ToArray(), device: images.device).view(1, 3, 1, 1);
        var std = torch.tensor(AugmentationOptions.ImageNetStd.ToArray(), device: images.device).view(1, 3, 1, 1);
        return ((images.to_type(ScalarType.Float32).DividedBy(255) - mean) / std).MoveToOuterDisposeScope();
    }
}
