// QuickStart: the main job of VL2V.Distillation, on a benchmark the library makes itself (no downloads).
//
//   dotnet run -c Release --project samples/QuickStart [-- --quick] [--out DIR] [--cache DIR]
//
// 1. SynthDG: 10 object classes in 4 PACS-like visual domains (photo, painting, cartoon, sketch), 32 px.
// 2. An embedded CLIP teacher, pretrained in-process on captioned images of every domain (cached for later runs).
// 3. Small-CNN students, started from a backbone pretrained on SynthDG photos (the analogue of the paper's ImageNet
//    initialisation; cached), trained on source domains only, leave-one-domain-out over the four domains:
//    ERM, KD, Align-only and VL2V-ADiP (Align → Distill), with the teacher's zero-shot accuracy beside them.
// 4. A DomainBed-style table, report.json, report.md and ood_accuracy.png in the output folder.
using System.Diagnostics;
using QuickStart;
using Spectre.Console;
using VL2V.Distillation.Clip.Embedded;
using VL2V.Distillation.Data.Synthetic;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

var plan = BenchmarkPlan.Default;
string output = Path.Combine("artifacts", "quickstart"), cache = Path.Combine("artifacts", "cache");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": plan = BenchmarkPlan.Quick; break;
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        case "--cache" when i + 1 < args.Length: cache = args[++i]; break;
        case "--help" or "-h":
            Console.WriteLine("usage: QuickStart [--quick] [--out DIR (default artifacts/quickstart)] [--cache DIR (default artifacts/cache)]");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use --quick, --out DIR, --cache DIR or --help.");
            return 2;
    }
}

const int StudentWidth = 16; // small-CNN students with 128-d features
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 120; // logs and CI: the results table fits without wrapping
var clock = Stopwatch.StartNew();
AnsiConsole.MarkupLine($"[bold]VL2V.Distillation QuickStart[/] ({plan.Name} run): distilling an embedded CLIP into small CNNs on SynthDG");

// 1. The benchmark.
var data = SynthDG.Create(new SynthDGOptions { Seed = 0, ImageSize = 32, SamplesPerDomain = plan.SamplesPerDomain });
var dataset = data.Dataset;
var domains = dataset.Domains;
AnsiConsole.MarkupLine($"SynthDG: {dataset.Classes.Count} classes × domains [[{string.Join(", ", domains)}]], {plan.SamplesPerDomain} images each");

// 2. The teacher, pretrained on every domain (the web-scale premise) or loaded from the cache.
EmbeddedTeacher teacher = null!;
// One torch thread for the teacher: its pretraining steps are too small for two intra-op threads to pay off; measured
// on the 2-core machine, 400 steps took 30 s on one thread and 72 s on two (the image rendering still runs on both
// cores). The students' larger batches are faster on two, so the previous setting comes back after (docs/synthdg.md).
int torchThreads = torch.get_num_threads();
torch.set_num_threads(1);
NewProgress().Start(ctx =>
    {
        var task = ctx.AddTask("teacher pretraining", maxValue: plan.TeacherBudget.Steps);
        teacher = EmbeddedTeacher.GetOrTrain(cache, data.Options, plan.TeacherBudget, new SyncProgress(p => task.Value = p.Step + 1));
        task.Value = task.MaxValue;
    });
torch.set_num_threads(torchThreads);
using var _ = teacher;

// 2b. The students' "ImageNet": a small-CNN backbone pretrained on SynthDG photos of the ten classes (cached), as the
//     paper's students start from ImageNet weights. Fresh photo images only; no benchmark image is seen.
string backboneWeights = null!;
NewProgress().Start(ctx =>
    {
        var task = ctx.AddTask("student backbone pretraining (photos)", maxValue: plan.BackboneSteps);
        backboneWeights = SynthDGBackbonePretraining.GetOrTrain(cache, data.Options, width: StudentWidth, steps: plan.BackboneSteps,
            progress: new SyncProgress(p => task.Value = p.Step + 1));
        task.Value = task.MaxValue;
    });
var zeroShot = teacher.ZeroShotAccuracy(dataset);
AnsiConsole.MarkupLine($"Teacher ({(teacher.Info.LoadedFromCache ? "from cache" : "pretrained now")}): zero-shot accuracy " +
    string.Join(", ", domains.Select((d, i) => $"{d} {zeroShot[i]:P1}")));

// 3. Students, leave-one-domain-out.
var scores = new List<RunScore>();
foreach (var seed in plan.Seeds)
{
    for (int t = 0; t < domains.Count; t++)
    {
        // The teacher is trained once and is deterministic: its score is the same for every seed.
        var sources = Enumerable.Range(0, domains.Count).Where(d => d != t).ToList();
        scores.Add(new RunScore("teacher_zeroshot", domains[t], seed, zeroShot[t], sources.Average(d => zeroShot[d])));
    }
}

(string Name, DistillationMethod Method)[] methods =
[
    ("erm", DistillationMethod.Erm), ("kd", DistillationMethod.KnowledgeDistillation),
    ("align_only", DistillationMethod.AlignOnly), ("adip", DistillationMethod.Adip),
];
var runsFolder = Path.Combine(output, "runs");
if (Directory.Exists(runsFolder)) Directory.Delete(runsFolder, recursive: true); // fresh students every time; the teacher stays cached

NewProgress().Start(ctx =>
    {
        foreach (var (name, method) in methods)
        {
            int stages = method == DistillationMethod.Adip ? 2 : 1;
            var task = ctx.AddTask(name, maxValue: (double)domains.Count * plan.Seeds.Length * stages * plan.StudentSteps);
            var options = new TrainerOptions
            {
                Method = method,
                Steps = plan.StudentSteps,
                EvaluateEvery = plan.EvaluateEvery,
                BatchSizePerDomain = plan.BatchSizePerDomain,
                ImageSize = 32,
                // One learning rate for every method; nothing is tuned per method.
                LearningRate = 1e-3,
                AlignCheckpointFromStep = 0,
                ReportEvery = 5,
                FreezeBatchNormStatistics = false, // the students adapt their photo BatchNorm statistics to the source domains
                Swad = new SwadOptions { BatchNormRefreshSteps = 50 },
            };
            bool classifier = method is DistillationMethod.Erm or DistillationMethod.KnowledgeDistillation;
            Student NewStudent(int seed, string target)
            {
                torch.manual_seed(seed);
                return Student.SmallCnn(embeddingDim: teacher.EmbeddingDim, numClasses: classifier ? dataset.Classes.Count : null,
                                        width: StudentWidth, weights: backboneWeights);
            }
            var progress = new SyncExperimentProgress(p =>
                task.Value = ((double)p.RunIndex * stages + p.Training.StageIndex) * plan.StudentSteps + p.Training.Step + 1);
            var result = new LeaveOneOutExperiment(options).Run(NewStudent, teacher, dataset, plan.Seeds, Path.Combine(runsFolder, name), progress: progress);
            scores.AddRange(result.Scores(name));
            task.Value = task.MaxValue;
        }
    });

// 4. The report.
var report = BenchmarkReport.From("synthdg", domains, domains, plan.Seeds, scores, clock.Elapsed);
Directory.CreateDirectory(output);
report.WriteJson(Path.Combine(output, "report.json"));
File.WriteAllText(Path.Combine(output, "report.md"),
    $"# SynthDG leave-one-domain-out ({plan.Name} run)\n\nOOD accuracy (%) on each held-out domain, mean ± std over seeds {string.Join(", ", plan.Seeds)}; " +
    $"ID = source-domain validation. Elapsed {clock.Elapsed.TotalMinutes:0.0} min.\n\n" + report.ToMarkdown());
bool labelled = OodChart.Write(report, Path.Combine(output, "ood_accuracy.png"));

var table = new Table().Title("[bold]OOD accuracy (%) on the held-out domain, mean ± std over seeds[/]").AddColumn(new TableColumn("method").NoWrap());
foreach (var d in domains) table.AddColumn(d);
table.AddColumn("OOD avg").AddColumn("ID avg");
foreach (var (name, m) in report.Methods)
{
    table.AddRow([name, .. domains.Select(d => Cell(m.Ood[d])), Cell(m.OodAvg), Cell(m.IdAvg)]);
}
AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"Wrote [link]{Path.GetFullPath(Path.Combine(output, "report.json"))}[/], report.md and ood_accuracy.png " +
    $"in {clock.Elapsed.TotalMinutes:0.0} min." + (labelled ? "" : " (No font found: the chart has no labels; install fonts-dejavu-core.)"));
return 0;

static Progress NewProgress() =>
    AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());

static string Cell(MeanStd v) => FormattableString.Invariant($"{100 * v.Mean:0.0}±{100 * v.Std:0.0}");

internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}

internal sealed class SyncExperimentProgress(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
{
    public void Report(ExperimentProgress value) => report(value);
}
