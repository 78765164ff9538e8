namespace VL2V.Distillation.Data;

/// <summary>One domain of an <see cref="InMemoryDataset"/>: its name, images and labels.</summary>
/// <param name="Name">The domain name, unique within the dataset.</param>
/// <param name="Images">images <c>[N,3,H,W]</c>, uint8 (0–255) or floating point in [0, 1] (rounded to 8 bits).</param>
/// <param name="Labels">labels <c>[N]</c> int64, class indices.</param>
public sealed record InMemoryDomain(string Name, Tensor Images, Tensor Labels);
