using System.Text.Json;
using System.Text.Json.Serialization;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Training.Swad;

namespace VL2V.Distillation.Training;

/// <summary>
/// A run's resumable state on disk, written after every evaluation: the JSON state, the tensors (student, selected
/// weights, SWAD averages, class text) and the optimizer. Each file is written under a new name through a temporary
/// file and a rename; <c>latest.json</c> is switched last, so a crash or a kill at any moment leaves the previous
/// complete checkpoint in force. A finished run leaves <c>result.json</c> and <c>student.safetensors</c>.
/// </summary>
internal static class TrainingCheckpoint
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The checkpoint format this version writes and reads: 2 since the optimizer state is <see cref="AdamOptimizer"/>'s.</summary>
    public const int FormatVersion = 2;

    public sealed record State(
        int Version,
        string Options,
        int StageIndex,
        int NextStep,
        IReadOnlyList<StageResult> CompletedStages,
        IReadOnlyList<EvaluationRecord> Records,
        int? BestRecordIndex,
        SwadLossValley.SavedSegment? Segment,
        SwadLossValley.ValleyState? Valley,
        double LogitScale,
        long Sequence,
        int MetricLineCount);

    /// <summary>The per-report metrics of a run, one JSON object per line.</summary>
    public const string MetricsFile = "metrics.jsonl";

    public sealed record Loaded(State State, Dictionary<string, Tensor> Tensors, byte[] Optimizer, string OptimizerPath);

    /// <summary>Options that must match to resume (progress reporting and worker count may change).</summary>
    public static string Fingerprint(TrainerOptions options) =>
        JsonSerializer.Serialize(options with { ReportEvery = 1, LoaderWorkers = null }, Json);

    public static void Save(string directory, State state, IReadOnlyDictionary<string, Tensor> tensors, Action<BinaryWriter> writeOptimizer,
        IReadOnlyList<string> metricLines)
    {
        Directory.CreateDirectory(directory);
        // metrics.jsonl holds exactly the reports up to this checkpoint: rewritten with the new lines, then renamed.
        var metrics = Path.Combine(directory, MetricsFile);
        var previous = File.Exists(metrics) ? File.ReadAllLines(metrics).Take(state.MetricLineCount - metricLines.Count) : [];
        AtomicFile.WriteAllText(metrics, string.Concat(previous.Concat(metricLines).Select(l => l + "\n")));
        string id = state.Sequence.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        StateDictFile.Write(Path.Combine(directory, $"tensors-{id}.safetensors"), tensors);
        AtomicFile.Write(Path.Combine(directory, $"optimizer-{id}.bin"), stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writeOptimizer(writer);
        });
        AtomicFile.WriteAllText(Path.Combine(directory, $"state-{id}.json"), JsonSerializer.Serialize(state, Json));
        AtomicFile.WriteAllText(Path.Combine(directory, "latest.json"), JsonSerializer.Serialize(new { Sequence = id }, Json));
        foreach (var old in Directory.EnumerateFiles(directory).Where(f => IsCheckpointFile(f) && !Path.GetFileName(f).Contains(id, StringComparison.Ordinal)))
        {
            File.Delete(old);
        }
    }

    public static Loaded? TryLoad(string directory, TrainerOptions options)
    {
        var latest = Path.Combine(directory, "latest.json");
        if (!File.Exists(latest)) return null;
        string id;
        try
        {
            id = JsonDocument.Parse(File.ReadAllText(latest)).RootElement.GetProperty("Sequence").GetString()!;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"The checkpoint pointer '{latest}' is not valid JSON with a 'Sequence'; delete the folder '{directory}' to start over.", e);
        }
        var statePath = Path.Combine(directory, $"state-{id}.json");
        State state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath), Json)
                    ?? throw new InvalidDataException($"The checkpoint state '{statePath}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The checkpoint state '{statePath}' is not valid: {e.Message} Delete the folder '{directory}' to start over.", e);
        }
        if (state.Version != FormatVersion)
        {
            throw new InvalidDataException(
                $"The checkpoint in '{directory}' has format version {state.Version}, but this version of the library reads version {FormatVersion}. " +
                "Delete the folder to start the run afresh, or finish it with the library version that made it.");
        }
        if (state.Options != Fingerprint(options))
        {
            throw new InvalidOperationException(
                $"The checkpoint in '{directory}' was made with different trainer options, so the run cannot be resumed with these. " +
                "Use the same options, or another folder for a new run.");
        }
        var tensors = StateDictFile.Read(Path.Combine(directory, $"tensors-{id}.safetensors"), new StateDictReadOptions { StripModulePrefix = false });
        var optimizerPath = Path.Combine(directory, $"optimizer-{id}.bin");
        return new Loaded(state, tensors, File.ReadAllBytes(optimizerPath), optimizerPath);
    }

    public static void SaveResult(string directory, RunResult result, IReadOnlyDictionary<string, Tensor> student, TrainerOptions options)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "options.json"), Fingerprint(options));
        StateDictFile.Write(Path.Combine(directory, "student.safetensors"), student);
        AtomicFile.WriteAllText(Path.Combine(directory, "result.json"), JsonSerializer.Serialize(result, Json));
        foreach (var old in Directory.EnumerateFiles(directory).Where(IsCheckpointFile)) File.Delete(old);
        File.Delete(Path.Combine(directory, "latest.json"));
        // metrics.jsonl stays: it is part of the run's results.
    }

    public static (RunResult Result, Dictionary<string, Tensor> Student)? TryLoadResult(string directory, TrainerOptions options)
    {
        var resultPath = Path.Combine(directory, "result.json");
        var studentPath = Path.Combine(directory, "student.safetensors");
        if (!File.Exists(resultPath) || !File.Exists(studentPath)) return null;
        var optionsPath = Path.Combine(directory, "options.json");
        if (!File.Exists(optionsPath) || File.ReadAllText(optionsPath) != Fingerprint(options))
        {
            throw new InvalidOperationException(
                $"The finished run in '{directory}' was made with different trainer options, so its result does not answer these. " +
                "Use the same options, or another folder for a new run.");
        }
        var result = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(resultPath), Json)
                     ?? throw new InvalidDataException($"The run result '{resultPath}' is empty; delete it to train again.");
        return (result, StateDictFile.Read(studentPath, new StateDictReadOptions { StripModulePrefix = false }));
    }

    private static bool IsCheckpointFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("tensors-", StringComparison.Ordinal) || name.StartsWith("optimizer-", StringComparison.Ordinal)
            || name.StartsWith("state-", StringComparison.Ordinal);
    }
}
