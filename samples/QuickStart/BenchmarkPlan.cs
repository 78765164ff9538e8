using VL2V.Distillation.Clip.Embedded;

namespace QuickStart;

/// <summary>How much work the QuickStart does: the default run (under 10 minutes on a 2-core CPU) or --quick (under 2).</summary>
internal sealed record BenchmarkPlan(string Name, int SamplesPerDomain, EmbeddedTeacherBudget TeacherBudget, int BackboneSteps,
    int StudentSteps, int EvaluateEvery, int BatchSizePerDomain, int[] Seeds)
{
    // Sized from measured times on the 2-core machine (2026-11-28, load 2-5; docs/synthdg.md), not tuned to any
    // result; every method gets the same steps, batch, learning rate and evaluations.
    // Default: teacher 2 000 steps = 138 s wall in the QuickStart (one torch thread). Students: a SmallCnn-16 step at
    // 16 images per domain (48 per step) took ~28 ms on two threads; an ERM run of 200 steps with 4 evaluations and
    // the SWAD BatchNorm refresh took 6.6-7.7 s, ~5x too much for 60 stage runs (4 methods x 4 targets x 3 seeds,
    // ADiP two stages) next to the teacher, so 150 steps; the first 200-step trial at 32 per domain took ~70 s per
    // ERM run under load. ERM's source-validation accuracy at 200 steps x 48: 0.42-0.69 (chance 0.10).
    // Measured with 150 steps: students 296 s wall (580 CPU-s, load 3.5-4.6; ERM 65 s, KD 65 s, Align-only 51 s,
    // ADiP 114 s), with the teacher ~7.3 min in all; ERM ID 0.45, OOD 0.34.
    // Quick: teacher 400 steps (29 s), students 40 steps: a smoke run (students near chance), 66.5 s in all.
    // Backbone ("ImageNet" analogue): 600 steps x 64 photos.
    public static BenchmarkPlan Default { get; } = new("default", SamplesPerDomain: 300, EmbeddedTeacherBudget.Default, BackboneSteps: 600,
        StudentSteps: 150, EvaluateEvery: 50, BatchSizePerDomain: 16, Seeds: [0, 1, 2]);

    public static BenchmarkPlan Quick { get; } = new("quick", SamplesPerDomain: 120, EmbeddedTeacherBudget.Quick, BackboneSteps: 100,
        StudentSteps: 40, EvaluateEvery: 20, BatchSizePerDomain: 16, Seeds: [0]);
}
