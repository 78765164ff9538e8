using VL2V.Cli;

namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary>Runs the <c>vl2v</c> command line in-process and captures its exit code and output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts a failure reported as exactly one line on stderr, without a stack trace.</summary>
    public CliRun ShouldFailWithOneLine(params string[] fragments)
    {
        ExitCode.Should().NotBe(0, "the command must fail; stderr: " + Error);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(1, "errors are one line; stderr was:\n" + Error);
        Error.Should().NotContain("   at ", "no stack trace");
        foreach (var fragment in fragments) Error.Should().Contain(fragment);
        return this;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("vl2v-cli-").FullName;

    public string File(params string[] parts) => Path.Combine([Root, .. parts]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
