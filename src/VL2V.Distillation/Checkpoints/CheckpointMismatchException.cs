namespace VL2V.Distillation.Checkpoints;

/// <summary>
/// A checkpoint's keys or shapes do not match the module it is loaded into. Lists what is missing, unexpected and
/// wrongly shaped, so that the cause (wrong configuration, other key convention, other model) is visible at once.
/// </summary>
/// <remarks>
/// Derives from <see cref="Exception"/> because <see cref="InvalidDataException"/>, which
/// <see cref="StateDictFile"/> throws for unreadable files, is sealed. Catch both to handle every checkpoint problem.
/// </remarks>
public class CheckpointMismatchException : Exception
{
    private const int Shown = 5;

    /// <summary>Creates the exception and builds its message from the lists.</summary>
    /// <param name="source">The checkpoint file or other source of the state dict, named in the message.</param>
    /// <param name="target">What the state dict was loaded into, e.g. <c>ClipModel (ViT-B/16)</c>.</param>
    /// <param name="missingKeys">Keys the module has and the checkpoint lacks.</param>
    /// <param name="unexpectedKeys">Keys the checkpoint has and the module lacks.</param>
    /// <param name="wrongShapeKeys">Keys present in both with different shapes.</param>
    /// <param name="fix">How to fix it; a generic hint when <see langword="null"/>.</param>
    public CheckpointMismatchException(
        string source,
        string target,
        IReadOnlyList<string> missingKeys,
        IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<TensorShapeMismatch> wrongShapeKeys,
        string? fix = null)
        : base(BuildMessage(source, target, missingKeys, unexpectedKeys, wrongShapeKeys, fix))
    {
        Checkpoint = source;
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        WrongShapeKeys = wrongShapeKeys;
    }

    /// <summary>The checkpoint file or other source of the state dict.</summary>
    public string Checkpoint { get; }

    /// <summary>Keys the module has and the checkpoint lacks, sorted.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys the checkpoint has and the module lacks, sorted.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Keys present in both whose shapes differ, sorted by key.</summary>
    public IReadOnlyList<TensorShapeMismatch> WrongShapeKeys { get; }

    private static string BuildMessage(
        string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<TensorShapeMismatch> wrongShape, string? fix)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add(Count(missing.Count, "missing key") + " " + List(missing));
        if (unexpected.Count > 0) parts.Add(Count(unexpected.Count, "unexpected key") + " " + List(unexpected));
        if (wrongShape.Count > 0) parts.Add(Count(wrongShape.Count, "key") + " with the wrong shape " + List(wrongShape));
        fix ??= "Check that the checkpoint belongs to this architecture and configuration " +
                "(or rename its keys to the module's names before loading).";
        return $"Checkpoint '{source}' does not match {target}: {string.Join(", ", parts)}. {fix}";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string List<T>(IReadOnlyList<T> items) =>
        "[" + string.Join(", ", items.Take(Shown)) + (items.Count > Shown ? $", … {items.Count - Shown} more" : "") + "]";
}
