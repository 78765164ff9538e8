namespace VL2V.Distillation.TestSupport;

/// <summary>
/// Locates the read-only ../shared folder (reference fixtures, CLIP vocabulary) that sits beside the repository:
/// walks up from the test assembly's folder to the repository root (the folder holding VL2V.Distillation.sln)
/// and takes its sibling 'shared'.
/// </summary>
internal static class SharedFolder
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The absolute path of the shared folder.</summary>
    public static string Path => Root.Value;

    /// <summary>The absolute path of a file or folder inside shared, e.g. <c>Get("fixtures", "README.md")</c>.</summary>
    public static string Get(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "VL2V.Distillation.sln")))
            {
                var shared = System.IO.Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                if (Directory.Exists(shared)) return shared;
                throw new DirectoryNotFoundException(
                    $"The shared fixtures folder '{shared}' does not exist. Place the project's 'shared' folder beside the repository root '{dir.FullName}'.");
            }
        }
        throw new DirectoryNotFoundException(
            $"No VL2V.Distillation.sln found above '{AppContext.BaseDirectory}'; cannot locate the shared fixtures folder.");
    }
}
