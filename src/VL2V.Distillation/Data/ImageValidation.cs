namespace VL2V.Distillation.Data;

/// <summary>How thoroughly <see cref="ImageFolderDataset.Open"/> checks every image before training starts.</summary>
public enum ImageValidation
{
    /// <summary>Decode every image completely: finds truncated and corrupt files (slowest; minutes for DomainNet).</summary>
    Decode,

    /// <summary>Read every file and parse its PNG/JPEG header only: finds empty, foreign and unreadable files, not corrupt pixel data.</summary>
    Header,

    /// <summary>Check the folder structure only; bad images surface when they are loaded.</summary>
    None,
}
