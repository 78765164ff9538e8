using System.CommandLine;
using VL2V.Cli.Commands;

namespace VL2V.Cli;

/// <summary>Builds the command tree and runs one command line; all output goes to the given writers.</summary>
internal static class CliApp
{
    /// <summary>Exit code of a parse error (unknown option, missing value, bad enum value).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a failed command (bad input file, unreadable weights, …).</summary>
    public const int Failure = 1;

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ICliCommand[] commands =
        [
            new EmbedCommand(), new TokenizeCommand(), new ZeroShotCommand(),
            new DistillCommand(), new CacheBuildCommand(), new ReportCommand(), new SweepCommand(),
        ];
        var root = new RootCommand("vl2v: CLIP teachers and VL2V distillation from the command line (nothing is downloaded; every file is given by path).");
        foreach (var command in commands) root.Subcommands.Add(command.Build(output, error));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var path = new List<string>();
            for (var result = parse.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
                path.Insert(0, result.Command.Name);
            string name = string.Join(" ", ["vl2v", .. path]);
            error.WriteLine($"{name}: error: {OneLine(parse.Errors[0].Message)} (see '{name} --help')");
            return UsageError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// Collapses a multi-line message into one line: list items are joined with "; ", at most
    /// <paramref name="maxParts"/> of them are kept (the rest are counted) and each is cut at <paramref name="maxPartLength"/> characters.
    /// </summary>
    public static string OneLine(string message, int maxParts = 6, int maxPartLength = 400)
    {
        var parts = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                           .Select(l => l.StartsWith("- ", StringComparison.Ordinal) ? l[2..] : l)
                           .Select(l => l.Length > maxPartLength ? l[..maxPartLength] + "…" : l)
                           .ToList();
        var result = new System.Text.StringBuilder();
        for (int i = 0; i < parts.Count && i < maxParts; i++)
        {
            if (result.Length > 0) result.Append(result[^1] == ':' ? " " : "; ");
            result.Append(parts[i]);
        }
        if (parts.Count > maxParts) result.Append($"; … and {parts.Count - maxParts} more");
        return result.ToString();
    }
}
