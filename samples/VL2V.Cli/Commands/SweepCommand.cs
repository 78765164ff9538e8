using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using System.Text.RegularExpressions;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v sweep</c>: prints one <c>vl2v distill</c> command per (method, target domain, seed), each with its own
/// <c>--out</c>, for a job scheduler: plain lines (one job each) or a SLURM array script. Runs nothing.
/// </summary>
internal sealed partial class SweepCommand : ICliCommand
{
    public Command Build(TextWriter output, TextWriter error)
    {
        var o = new DistillOptions();
        var methods = new Option<string>("--methods")
        {
            Description = $"Methods to sweep, comma-separated ({string.Join(", ", DistillOptions.Methods)}).",
            Required = true,
            HelpName = "adip,erm,...",
        };
        var format = new Option<string>("--format")
        {
            Description = "lines = one vl2v distill command per line; slurm = an sbatch script with one array task per command.",
            DefaultValueFactory = _ => "lines",
            HelpName = "lines|slurm",
        };
        format.AcceptOnlyFromAmong("lines", "slurm");
        var command = new Command("sweep", "Print one 'vl2v distill' command per (method, target domain, seed) for a job scheduler; " +
                                           "--out DIR gets DIR/<method>/<target>/seed<N> per command ('vl2v report DIR' collects them).");
        foreach (var option in o.All.Where(x => x != o.Method)) command.Options.Add(option);
        command.Options.Add(methods);
        command.Options.Add(format);
        command.SetAction(parse => CommandRunner.Run("sweep", error, () =>
        {
            var methodList = parse.GetValue(methods)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            if (methodList.Count == 0) throw new CliException("--methods is empty; give e.g. adip,erm.");
            foreach (var m in methodList.Where(m => !DistillOptions.Methods.Contains(m)))
                throw new CliException($"--methods names unknown method '{m}'; use some of {string.Join(", ", DistillOptions.Methods)}.");
            foreach (var m in methodList) o.CheckCombination(parse, m, checkFiles: false);   // the files live where the jobs run
            if (methodList.Distinct().Count() != methodList.Count) throw new CliException($"--methods '{parse.GetValue(methods)}' names a method twice.");
            var seeds = o.SeedList(parse);
            string root = parse.GetValue(o.Data)!;
            var descriptor = o.Descriptor(parse);
            string testDomains = parse.GetValue(o.TestDomains)!;
            IReadOnlyList<string> domains;
            if (descriptor is not null) domains = descriptor.Domains;
            else if (Directory.Exists(root)) domains = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList();
            else if (!testDomains.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
                domains = testDomains.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            else
                throw new CliException($"--data '{root}' is not a folder here, so its domains are unknown: pass --dataset NAME or --test-domains D1,D2.");
            var targets = DistillOptions.ParseTargets(testDomains, domains) ?? [.. domains];
            if (targets.Count == 0) throw new CliException($"--data '{root}' has no domain folders; expected ROOT/<domain>/<class>/<image>.");

            // The options given on this command line are passed on as they were written (paths stay as given).
            var common = new List<string>();
            foreach (var option in o.All.Where(x => x != o.Method && x != o.TestDomains && x != o.Seeds && x != o.Out))
            {
                if (parse.GetResult(option) is not { Implicit: false } given) continue;
                common.Add(option.Name);
                common.AddRange(given.Tokens.Select(t => t.Value));
            }
            string outRoot = parse.GetValue(o.Out)!;
            var commands = new List<string>();
            foreach (var method in methodList)
            {
                foreach (var target in targets)
                {
                    foreach (var seed in seeds)
                    {
                        string folder = $"{outRoot.TrimEnd('/')}/{method}/{FolderName(target)}/seed{seed}";
                        IEnumerable<string> words = ["vl2v", "distill", .. common, "--method", method, "--test-domains", target, "--seeds", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder];
                        commands.Add(string.Join(" ", words.Select(Quote)));
                    }
                }
            }
            if (parse.GetValue(format) == "slurm") output.Write(Slurm(commands, outRoot, parse.GetValue(o.Device)!, methodList.Count, targets.Count, seeds.Count));
            else foreach (var line in commands) output.WriteLine(line);
            return 0;
        }));
        return command;
    }

    private static string Slurm(IReadOnlyList<string> commands, string outRoot, string device, int methods, int targets, int seeds)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append("#SBATCH --job-name=vl2v-sweep\n");
        script.Append($"#SBATCH --array=0-{commands.Count - 1}\n");
        script.Append($"#SBATCH --output={Quote(outRoot.TrimEnd('/') + "/slurm-%A_%a.log")}\n");
        if (!device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase)) script.Append("#SBATCH --gres=gpu:1\n");
        script.Append($"# {commands.Count} array tasks = {methods} method(s) x {targets} target domain(s) x {seeds} seed(s); submit with: sbatch <this file>\n");
        script.Append($"# Create {outRoot} before submitting (SLURM writes the logs there); vl2v must be on PATH; a resubmitted task resumes its run.\n");
        script.Append("set -euo pipefail\n");
        script.Append("case \"$SLURM_ARRAY_TASK_ID\" in\n");
        for (int i = 0; i < commands.Count; i++) script.Append($"  {i}) {commands[i]} ;;\n");
        script.Append("  *) echo \"no task $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;\n");
        script.Append("esac\n");
        return script.ToString();
    }

    /// <summary>The run-folder name of a domain (as LeaveOneOutExperiment names them: spaces and invalid characters become '_').</summary>
    private static string FolderName(string domain) =>
        string.Concat(domain.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ' ' ? '_' : c));

    /// <summary>POSIX shell quoting: plain words stay as they are, others are single-quoted.</summary>
    internal static string Quote(string word) =>
        PlainWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_./:=,@%+-]+$")]
    private static partial Regex PlainWord();
}
