using System.Diagnostics;
using VL2V.Distillation;
using VL2V.Distillation.Clip.Embedded;
using VL2V.Distillation.Data.Synthetic;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

namespace VL2V.Benchmarks;

/// <summary>
/// Resident memory and live tensors over a long training run (issue 5: "resident memory stays flat"): a two-stage
/// ADiP run with SWAD on SynthDG (32 px) with the embedded teacher, RSS and TorchSharp's live-tensor count read at
/// every evaluation. Flat numbers mean no tensor leak and no malloc growth.
/// </summary>
public static class MemoryBenchmark
{
    public static void Run(BenchOptions options)
    {
        int steps = options.Quick ? 100 : 1000;
        var data = SynthDG.Create(new SynthDGOptions { Seed = 0, ImageSize = 32, SamplesPerDomain = 120 });
        using var teacher = EmbeddedTeacher.GetOrTrain(Path.Combine(Path.GetTempPath(), "vl2v-bench-cache"), data.Options, EmbeddedTeacherBudget.Quick);
        var split = DomainSplit.LeaveOneOut(data.Dataset.DomainSizes, data.Dataset.Domains[^1]);
        torch.manual_seed(0);
        using var student = Student.SmallCnn(teacher.EmbeddingDim, width: 16);
        var trainerOptions = new TrainerOptions
        {
            Method = DistillationMethod.Adip, Steps = steps, EvaluateEvery = steps / 10, BatchSizePerDomain = 16, ImageSize = 32,
            LearningRate = 1e-3, AlignCheckpointFromStep = 0, ReportEvery = int.MaxValue,
        };
        Console.WriteLine($"ADiP + SWAD, SmallCnn width 16, 32 px, batch 3x16, {steps} steps per stage, evaluation every {steps / 10}");
        Console.WriteLine("| stage | step | RSS (MiB) | live tensors | elapsed (s) |");
        Console.WriteLine("|---|---|---|---|---|");
        var clock = Stopwatch.StartNew();
        new DistillationTrainer(trainerOptions).Fit(student, teacher, data.Dataset, split, progress: new ProgressSink(p =>
        {
            if (p.Evaluation is null) return;
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"| {p.Stage} | {p.Step} | {process.WorkingSet64 / 1048576} | {DisposeScopeManager.Statistics.ThreadTotalLiveCount} | {clock.Elapsed.TotalSeconds:F0} |");
        }));
    }

    private sealed class ProgressSink(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
