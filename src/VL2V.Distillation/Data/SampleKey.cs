namespace VL2V.Distillation.Data;

/// <summary>
/// The stable identity of a sample, usable as a cache key (e.g. for teacher embeddings): where it comes from and
/// a hash of its content, so that a renamed copy of a file or an edited image is never confused with the original.
/// </summary>
/// <param name="Path">The sample's path relative to the dataset root with '/' separators (<c>sketch/dog/001.png</c>),
/// or <c>domain/index</c> for in-memory data.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of the file's bytes (image folders) or of the image's shape and
/// pixels (<see cref="RgbImage.ContentHash"/>, in-memory data).</param>
public readonly record struct SampleKey(string Path, string Sha256)
{
    /// <summary>The key as one string, <c>path@sha256</c>.</summary>
    public override string ToString() => $"{Path}@{Sha256}";
}
