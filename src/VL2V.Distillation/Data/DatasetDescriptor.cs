namespace VL2V.Distillation.Data;

/// <summary>
/// What is known about a DomainBed benchmark: its folder layout and DomainBed's default training length
/// (facts from DomainBed's <c>datasets.py</c> and <c>scripts/download.py</c>).
/// </summary>
/// <param name="Name">The benchmark's name in DomainBed (<c>PACS</c>, <c>OfficeHome</c>…).</param>
/// <param name="FolderName">The dataset folder under DomainBed's data directory (<c>PACS</c>, <c>office_home</c>…).</param>
/// <param name="Domains">The domain folder names, in dataset order (sorted ordinally, as DomainBed does).</param>
/// <param name="ClassFolders">The class folder names, in label order (sorted ordinally).</param>
/// <param name="Steps">DomainBed's default number of training steps (<c>N_STEPS</c>).</param>
/// <param name="CheckpointFrequency">DomainBed's default evaluation frequency in steps (<c>CHECKPOINT_FREQ</c>).</param>
public sealed record DatasetDescriptor(string Name, string FolderName, IReadOnlyList<string> Domains,
    IReadOnlyList<string> ClassFolders, int Steps, int CheckpointFrequency)
{
    /// <summary>The class names as text, <c>'_'</c> read as a space (<c>Alarm_Clock</c> → <c>Alarm Clock</c>).</summary>
    public IReadOnlyList<string> Classes => ClassFolders.Select(ImageFolderDataset.ClassName).ToList();
}
