using VL2V.Distillation.Clip.Students;
using VL2V.Distillation.Clip.Tests.TestSupport;
using VL2V.Distillation.Data;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Clip.Tests.Training;

/// <summary>VL2V-SD end to end: the tiny CLIP fixture teaches a copy of its own image encoder with the trainer.</summary>
public sealed class SelfDistillationTests
{
    private static InMemoryDataset Domains()
    {
        // Two classes (a bright left half vs a bright right half) in three domains of different tint.
        var rng = new Random(3);
        var domains = new List<InMemoryDomain>();
        for (int d = 0; d < 3; d++)
        {
            const int n = 16, size = 32;
            var pixels = new byte[n * 3 * size * size];
            var labels = new long[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = i % 2;
                for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    bool lit = (labels[i] == 0) == (x < size / 2);
                    pixels[((i * 3 + c) * size + y) * size + x] = (byte)Math.Clamp((lit ? 200 : 40) + (c == d ? 40 : 0) + rng.Next(20), 0, 255);
                }
            }
            domains.Add(new InMemoryDomain($"d{d}", torch.tensor(pixels, [n, 3, size, size], ScalarType.Byte), torch.tensor(labels)));
        }
        return new InMemoryDataset(["dog", "cat"], domains);
    }

    [Fact]
    public void Fit_SelfDistillation_LowersTheLossAndLeavesTheTeacherUntouched()
    {
        using var scope = torch.NewDisposeScope();
        var data = Domains();
        using var teacher = ClipTeacher.Load(ClipFixtures.File("vit-tiny", "model.safetensors"), data.Classes, new ClipTeacherOptions
        {
            VocabularyPath = SharedFolder.Get("clip", "bpe_simple_vocab_16e6.txt.gz"),
            Config = ClipFixtures.Config("vit-tiny"),
        });
        var before = teacher.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var student = ClipStudents.FromTeacher(teacher);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "d2");
        var options = new TrainerOptions
        {
            Method = DistillationMethod.SelfDistillation, Steps = 16, EvaluateEvery = 8, BatchSizePerDomain = 4, ImageSize = 32,
            LearningRate = 1e-3, ReportEvery = 1, AlignCheckpointFromStep = 0, LoaderWorkers = 1, Swad = new SwadOptions { Enabled = false },
        };
        var losses = new List<double>();
        var result = new DistillationTrainer(options).Fit(student, teacher, data, split, progress: new Collect(p => losses.Add(p.Loss)));

        losses.TakeLast(4).Average().Should().BeLessThan(losses.Take(4).Average(), "the SD loss must fall");
        result.Reported.TargetAccuracy.Should().BeInRange(0, 1);
        foreach (var (name, value) in teacher.Model.state_dict())
            value.equal(before[name]).all().item<bool>().Should().BeTrue($"teacher tensor {name} must not change");
    }

    private sealed class Collect(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
