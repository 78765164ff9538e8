namespace VL2V.Distillation.Data;

/// <summary>An image that <see cref="ImageFolderDataset.Open"/> left out because it failed validation.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Reason">Why it was left out (the decoder's reason).</param>
public sealed record SkippedImage(string Path, string Reason);
