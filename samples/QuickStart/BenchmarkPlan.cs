using VL2V.Distillation.Clip.Embedded;

namespace QuickStart;

/// <summary>How much work the QuickStart does: the default run (under 10 minutes on a 2-core CPU) or --quick (under 2).</summary>
internal sealed record BenchmarkPlan(string Name, int SamplesPerDomain, EmbeddedTeacherBudget TeacherBudget, int StudentSteps,
    int EvaluateEvery, int BatchSizePerDomain, int[] Seeds)
{
    // Sized from measured step times on the 2-core machine (docs/performance.md, memory benchmark: ~15 ms per
    // SmallCnn-16 step at batch 48 when the machine is quiet); they are not tuned to any result.
    public static BenchmarkPlan Default { get; } = new("default", SamplesPerDomain: 300, EmbeddedTeacherBudget.Default,
        StudentSteps: 200, EvaluateEvery: 50, BatchSizePerDomain: 32, Seeds: [0, 1, 2]);

    public static BenchmarkPlan Quick { get; } = new("quick", SamplesPerDomain: 120, EmbeddedTeacherBudget.Quick,
        StudentSteps: 40, EvaluateEvery: 20, BatchSizePerDomain: 16, Seeds: [0]);
}
