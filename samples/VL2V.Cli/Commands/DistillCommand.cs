using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VL2V.Distillation;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Students;
using VL2V.Distillation.Data;
using VL2V.Distillation.Students;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Training;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v distill</c>: leave-one-domain-out training of one method with <see cref="LeaveOneOutExperiment"/> (one
/// resumable run folder per target and seed) and <c>results.json</c> with the per-domain and average accuracies.
/// </summary>
internal sealed class DistillCommand : ICliCommand
{
    public Command Build(TextWriter output, TextWriter error)
    {
        var options = new DistillOptions();
        var command = new Command("distill", "Train a student from a CLIP teacher under DomainBed's leave-one-domain-out protocol (resumable).");
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction(parse => CommandRunner.Run("distill", error, () => Run(options, parse, output)));
        return command;
    }

    private static int Run(DistillOptions o, ParseResult parse, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        // Cheap checks first (names, numbers, files), then the data set (every image decoded), then the weights.
        o.CheckCombination(parse);
        var device = TeacherSetup.ParseDevice(parse.GetValue(o.Device)!);
        var seeds = o.SeedList(parse);
        var trainerOptions = o.TrainerOptions(parse);
        string method = parse.GetValue(o.Method)!, studentName = parse.GetValue(o.Student)!;
        string outDir = parse.GetValue(o.Out)!;
        string? teacherWeights = trainerOptions.Method == DistillationMethod.Erm ? null : parse.GetValue(o.TeacherWeights);
        var teacherFiles = teacherWeights is null ? default : TeacherSetup.CheckFiles(teacherWeights, parse.GetValue(o.TeacherConfig), parse.GetValue(o.Vocab));
        var descriptor = o.Descriptor(parse);
        var settings = Settings(trainerOptions, studentName, parse.GetValue(o.StudentWeights), teacherWeights, parse.GetValue(o.TeacherConfig), descriptor?.Name);
        string settingsPath = Path.Combine(outDir, SettingsFile);
        CheckSameSettings(settingsPath, settings);
        var dataset = TeacherSetup.OpenData(parse.GetValue(o.Data)!, descriptor);
        var targets = DistillOptions.ParseTargets(parse.GetValue(o.TestDomains)!, dataset.Domains);
        Directory.CreateDirectory(outDir);
        if (!File.Exists(settingsPath)) JsonFiles.WriteAtomically(settingsPath, indented: true, json => JsonSerializer.Serialize(json, settings));

        ClipTeacher? clip = teacherWeights is null ? null : TeacherSetup.LoadTeacher(teacherFiles, dataset.Classes, device, trainerOptions.ImageSize);
        ITeacher? teacher = clip;
        try
        {
            bool onDevice = device.type != DeviceType.CPU;
            if (teacher is not null && onDevice) teacher = new DeviceTeacher(teacher);
            if (teacher is not null && parse.GetValue(o.Cache) is { } cacheRoot)
            {
                teacher = new CachingTeacher(teacher, TeacherSetup.OpenCache(cacheRoot, clip!, trainerOptions.ImageSize));
            }

            var factory = new StudentFactory(studentName, parse.GetValue(o.StudentWeights), trainerOptions, dataset.Classes.Count, clip);
            if (parse.GetValue(o.StudentWeights) is not null) factory.Create(seeds[0]).Dispose();   // bad weights fail before training
            var progress = new EvaluationLines(output);
            var experiment = new LeaveOneOutExperiment(trainerOptions);
            ExperimentResult result;
            try
            {
                result = onDevice
                    ? experiment.Run((seed, _) => new DeviceStudent(factory.Create(seed), device), teacher, dataset, seeds, outDir, targets, progress)
                    : experiment.Run((seed, _) => factory.Create(seed), teacher, dataset, seeds, outDir, targets, progress);
            }
            catch (InvalidOperationException e)   // includes TrainingDivergedException
            {
                // A run folder made with other options, a cache of another teacher, a diverged run: the message says what to do.
                throw new CliException(e.Message);
            }

            string benchmark = descriptor?.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root));
            string resultsPath = Path.Combine(outDir, "results.json");
            WriteResults(resultsPath, benchmark, method, result, clock.Elapsed);
            output.Write(result.ToMarkdown(method));
            output.WriteLine($"wrote {resultsPath}: {result.Runs.Count} run(s) of {method} on {benchmark}");
            return 0;
        }
        finally
        {
            (teacher ?? clip)?.Dispose();
            clip?.Dispose();
        }
    }

    /// <summary>The settings file in --out: finished runs are loaded as they are, so a rerun with other settings must not mix into them.</summary>
    internal const string SettingsFile = "distill-settings.json";

    /// <summary>What decides a run's result besides its target and seed (not the device, loader threads or progress frequency).</summary>
    private static SortedDictionary<string, string> Settings(TrainerOptions options, string student, string? studentWeights, string? teacherWeights,
        string? teacherConfig, string? dataset)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in JsonSerializer.SerializeToElement(options with { LoaderWorkers = null, ReportEvery = 1 }).EnumerateObject())
            settings[property.Name] = property.Value.GetRawText();
        settings["Student"] = student;
        settings["StudentWeights"] = studentWeights is null ? "" : Path.GetFileName(studentWeights);
        settings["TeacherWeights"] = teacherWeights is null ? "" : Path.GetFileName(teacherWeights);
        settings["TeacherConfig"] = teacherConfig is null ? "" : Path.GetFileName(teacherConfig);
        settings["Dataset"] = dataset ?? "";
        return settings;
    }

    private static void CheckSameSettings(string path, SortedDictionary<string, string> settings)
    {
        if (!File.Exists(path)) return;
        Dictionary<string, string>? saved;
        try
        {
            saved = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CliException($"'{path}' is not valid ({e.Message}); delete it only if the runs in its folder were made with these options.");
        }
        var differences = settings.Keys.Union(saved?.Keys ?? Enumerable.Empty<string>())
            .Where(k => (saved?.GetValueOrDefault(k) ?? "") != settings.GetValueOrDefault(k, ""))
            .Select(k => $"{k}: {saved?.GetValueOrDefault(k) ?? "(none)"} → {settings.GetValueOrDefault(k, "(none)")}")
            .ToList();
        if (differences.Count > 0)
        {
            throw new CliException($"--out '{Path.GetDirectoryName(path)}' holds runs made with other settings ({string.Join(", ", differences)}); " +
                                   "finished runs would be reused as they are. Rerun with the same options to resume, or use another --out.");
        }
    }

    /// <summary>Writes results.json: the method's out-of-distribution accuracy per target domain and averaged, and in-distribution, mean and population std over seeds.</summary>
    internal static void WriteResults(string path, string benchmark, string method, ExperimentResult result, TimeSpan elapsed) =>
        BenchmarkReport.From(benchmark, result.Domains, result.TargetDomains, result.Seeds, result.Scores(method), elapsed).WriteJson(path);

    /// <summary>Makes a fresh student per run, seeded for its initialisation.</summary>
    private sealed class StudentFactory(string name, string? weights, TrainerOptions options, int classes, ClipTeacher? teacher)
    {
        public Student Create(int seed)
        {
            torch.manual_seed(seed);
            var method = options.Method;
            long? embeddingDim = method is DistillationMethod.Adip or DistillationMethod.AlignOnly or DistillationMethod.SingleStageAdip
                ? teacher!.EmbeddingDim : null;
            int? numClasses = method is DistillationMethod.Erm or DistillationMethod.KnowledgeDistillation ? classes : null;
            int size = options.ImageSize;
            return name switch
            {
                "small-cnn" => Student.SmallCnn(embeddingDim, numClasses),
                "resnet18" => Student.ResNet18(embeddingDim, numClasses, weights),
                "resnet50" => Student.ResNet50(embeddingDim, numClasses, weights),
                "vit-s16" => Student.VitS16(embeddingDim, numClasses, weights, size),
                "vit-b16" => Student.VitB16(embeddingDim, numClasses, weights, size),
                "deit-s" => Student.DeitS16Distilled(embeddingDim, numClasses, weights, size),
                "clip" => ClipStudents.FromTeacher(teacher!, numClasses),
                _ => throw new CliException($"--student '{name}' is unknown; use one of {string.Join(", ", DistillOptions.Students)}."),
            };
        }
    }

    /// <summary>One line per evaluation, written synchronously on the training thread.</summary>
    private sealed class EvaluationLines(TextWriter output) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            if (value.Training.Evaluation is not { } e) return;
            var t = value.Training;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{value.TargetDomain} seed {value.Seed}, run {value.RunIndex + 1}/{value.RunCount}] {t.Stage} step {t.Step}/{t.TotalSteps - 1}: " +
                $"source val acc {e.SourceValidationAccuracy:F4} loss {e.SourceValidationLoss:F4}, target acc {e.TargetAccuracy:F4} ({t.Elapsed.TotalSeconds:F1} s)"));
        }
    }
}
