namespace VL2V.Distillation.Data;

/// <summary>A dataset failed validation; <see cref="Problems"/> lists every problem found, each naming the folder or file.</summary>
public sealed class DatasetValidationException : IOException
{
    /// <summary>Creates the exception from the dataset's root and its problems.</summary>
    /// <param name="root">The dataset's root folder.</param>
    /// <param name="problems">Every problem found (at least one).</param>
    public DatasetValidationException(string root, IReadOnlyList<string> problems)
        : base(Format(root, problems))
    {
        Root = root;
        Problems = problems;
    }

    /// <summary>The dataset's root folder.</summary>
    public string Root { get; }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string root, IReadOnlyList<string> problems) =>
        $"The dataset at '{root}' is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):"
        + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p));
}
