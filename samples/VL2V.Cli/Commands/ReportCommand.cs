using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VL2V.Distillation.Data;
using VL2V.Distillation.Training;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v report</c>: DomainBed Markdown tables (<see cref="ResultsTable"/>, one row per method) of every finished run
/// (<c>result.json</c>) under the given folders, one table per set of domains.
/// </summary>
internal sealed class ReportCommand : ICliCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public Command Build(TextWriter output, TextWriter error)
    {
        var folders = new Argument<string[]>("DIR")
        {
            Description = "Experiment folders (vl2v distill --out, or a sweep's root); every result.json below them is a finished run.",
            Arity = ArgumentArity.OneOrMore,
        };
        var outFile = new Option<string?>("--out")
        {
            Description = "Markdown file to write. Default: report.md in the first DIR.",
            HelpName = "FILE.md",
        };
        var command = new Command("report", "Aggregate finished runs into DomainBed tables (mean ± standard error over seeds, in %).") { folders, outFile };
        command.SetAction(parse => CommandRunner.Run("report", error, () =>
        {
            var roots = parse.GetValue(folders)!;
            foreach (var root in roots)
            {
                if (!Directory.Exists(root)) throw new CliException($"DIR '{root}' is not a folder; pass the --out folder of vl2v distill.");
            }
            var files = roots.SelectMany(r => Directory.EnumerateFiles(r, "result.json", SearchOption.AllDirectories))
                             .Select(Path.GetFullPath).Distinct().Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new CliException($"No finished run (result.json) under {string.Join(", ", roots.Select(r => $"'{r}'"))}; runs write it when they finish.");

            var runs = new List<(string File, string Method, string Target, int Seed, double Accuracy, IReadOnlyList<string> Domains)>();
            foreach (var file in files)
            {
                var run = Read(file);
                var reported = run.Reported;
                var domains = reported.DomainAccuracies.Keys.Select(k => k[..k.LastIndexOf('/')]).Distinct().Order(StringComparer.Ordinal).ToList();
                foreach (var target in run.TargetDomains)
                {
                    string method = DistillOptions.MethodName(run.Method);
                    var twin = runs.FirstOrDefault(r => r.Method == method && r.Target == target && r.Seed == run.Seed && r.Domains.SequenceEqual(domains));
                    if (twin.File is not null)
                        throw new CliException($"'{file}' and '{twin.File}' are both {method} runs with target {target} and seed {run.Seed}; pass folders that hold each run once.");
                    double accuracy = run.TargetDomains.Count == 1 ? reported.TargetAccuracy : reported.DomainAccuracies[target + "/in"];
                    runs.Add((file, method, target, run.Seed, accuracy, domains));
                }
            }

            var markdown = new StringBuilder();
            foreach (var group in runs.GroupBy(r => string.Join("\u0001", r.Domains)))
            {
                var domains = group.First().Domains;
                var targets = domains.Where(d => group.Any(r => r.Target == d)).ToList();
                var benchmark = DomainBedDatasets.All.FirstOrDefault(d => d.Domains.Order(StringComparer.Ordinal).SequenceEqual(domains))?.Name;
                if (markdown.Length > 0) markdown.AppendLine();
                markdown.AppendLine($"## {benchmark ?? "Domains " + string.Join(", ", domains)}");
                markdown.AppendLine();
                markdown.AppendLine($"Target-domain accuracy (%), mean ± standard error over seeds, {group.Count()} run(s); Avg needs every seed on every listed domain (X otherwise).");
                markdown.AppendLine();
                var summaries = ResultsTable.Summarize(group.Select(r => new ResultsTable.Entry(r.Method, r.Target, r.Seed, r.Accuracy)), targets);
                markdown.Append(ResultsTable.ToMarkdown(summaries, targets));
            }
            string reportPath = parse.GetValue(outFile) ?? Path.Combine(roots[0], "report.md");
            var text = markdown.ToString();
            AtomicFile.Write(reportPath, stream => stream.Write(Encoding.UTF8.GetBytes(text)));
            output.Write(text);
            output.WriteLine($"wrote {reportPath}: {runs.Count} run(s) from {files.Count} result.json file(s)");
            return 0;
        }));
        return command;
    }

    private static RunResult Read(string file)
    {
        try
        {
            var run = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(file), Json);
            if (run is null || run.Stages is not { Count: > 0 } || run.TargetDomains is not { Count: > 0 })
                throw new CliException($"'{file}' is not a finished run's result.json (no stages or target domains).");
            return run;
        }
        catch (JsonException e)
        {
            throw new CliException($"'{file}' is not a finished run's result.json: {e.Message}");
        }
    }
}
