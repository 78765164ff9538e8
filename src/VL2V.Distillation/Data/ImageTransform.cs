namespace VL2V.Distillation.Data;

/// <summary>
/// Turns one decoded image into a normalised float image of a fixed size, per image (never per batch), with any
/// randomness drawn from an <see cref="AugmentationKey"/> alone. Implementations are immutable and thread-safe.
/// </summary>
public abstract class ImageTransform
{
    /// <summary>Creates a transform with a square output.</summary>
    /// <param name="size">The output side S in pixels (at least 1).</param>
    protected ImageTransform(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
    }

    /// <summary>The output side S: every output is <c>[3,S,S]</c>.</summary>
    public int Size { get; }

    /// <summary>Transforms an image into a destination buffer.</summary>
    /// <param name="image">The decoded image, uint8 <c>[3,H,W]</c>.</param>
    /// <param name="key">The view's randomness (ignored by deterministic transforms).</param>
    /// <param name="destination">Receives the result, <c>[3,S,S]</c> float32 flattened (<c>3·S·S</c> values).</param>
    /// <exception cref="ArgumentException">The destination does not hold <c>3·S·S</c> values.</exception>
    public void Apply(RgbImage image, AugmentationKey key, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length != 3 * Size * Size)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} values but a [3,{Size},{Size}] image needs {3 * Size * Size}.", nameof(destination));
        }
        Transform(image, key, destination);
    }

    /// <summary>Transforms an image into a new array.</summary>
    /// <param name="image">The decoded image, uint8 <c>[3,H,W]</c>.</param>
    /// <param name="key">The view's randomness (ignored by deterministic transforms).</param>
    /// <returns>The result, <c>[3,S,S]</c> float32 flattened.</returns>
    public float[] Apply(RgbImage image, AugmentationKey key)
    {
        var result = new float[3 * Size * Size];
        Apply(image, key, result);
        return result;
    }

    /// <summary>Transforms an image; <paramref name="destination"/> has exactly <c>3·S·S</c> values.</summary>
    /// <param name="image">The decoded image.</param>
    /// <param name="key">The view's randomness.</param>
    /// <param name="destination">Receives <c>[3,S,S]</c> float32.</param>
    protected abstract void Transform(RgbImage image, AugmentationKey key, Span<float> destination);
}
