namespace VL2V.Distillation.Clip.Tests.TestSupport;

/// <summary>Bit-for-bit tensor equality (torch.equal returns an element-wise tensor in TorchSharp).</summary>
internal static class Identical
{
    public static bool Tensors(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var scope = torch.NewDisposeScope();
        return torch.equal(a, b).all().item<bool>();
    }
}
