namespace VL2V.Distillation.Data;

/// <summary>What <see cref="ImageFolderDataset.Open"/> found while scanning and validating a folder.</summary>
/// <param name="ImageCount">The number of images in the dataset (after skipping).</param>
/// <param name="Skipped">The images left out because they failed validation (only with <see cref="ImageFolderOptions.SkipInvalidImages"/>).</param>
/// <param name="IgnoredFiles">The number of files in class folders that are not images (no image extension that
/// torchvision's <c>ImageFolder</c> reads).</param>
/// <param name="Validation">How the images were checked.</param>
public sealed record ImageFolderReport(int ImageCount, IReadOnlyList<SkippedImage> Skipped, int IgnoredFiles, ImageValidation Validation)
{
    /// <summary>The number of images left out.</summary>
    public int SkippedCount => Skipped.Count;
}
