using VL2V.Distillation.Students;
using VL2V.Distillation.Tests.TestSupport;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Training;

public sealed class LeaveOneOutExperimentTests
{
    [Fact]
    public void Run_TrainsEveryTargetAndSeed_WritesTheTable_AndSkipsFinishedRuns()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var options = new TrainerOptions
        {
            Method = DistillationMethod.AlignOnly, Steps = 6, EvaluateEvery = 3, BatchSizePerDomain = 4, ImageSize = 16,
            LearningRate = 3e-3, EvaluationBatchSize = 64, AlignCheckpointFromStep = 0, LoaderWorkers = 1,
            Swad = new SwadOptions { Enabled = false },
        };
        var folder = Directory.CreateTempSubdirectory("vl2v-experiment-").FullName;
        try
        {
            int reports = 0;
            var progress = new SyncExperimentProgress(_ => reports++);
            Student Create(int seed, string target)
            {
                torch.manual_seed(seed);
                return Student.SmallCnn(embeddingDim: 8, width: 8);
            }

            var experiment = new LeaveOneOutExperiment(options);
            var result = experiment.Run(Create, teacher, data, [0, 1], folder, ["domain0", "domain3"], progress);

            result.Runs.Select(r => (r.TargetDomain, r.Seed)).Should().Equal(("domain0", 0), ("domain0", 1), ("domain3", 0), ("domain3", 1));
            result.Runs.Should().AllSatisfy(r => r.TargetAccuracy.Should().BeInRange(0, 1));
            File.Exists(Path.Combine(folder, "domain3", "seed1", "result.json")).Should().BeTrue();
            File.ReadAllText(Path.Combine(folder, "summary.md")).Should().StartWith("| Method | domain0 | domain3 | Avg |");
            reports.Should().BeGreaterThan(0);

            reports = 0;
            var again = experiment.Run(Create, teacher, data, [0, 1], folder, ["domain0", "domain3"], progress);
            reports.Should().Be(0, "finished runs are loaded, not trained again");
            again.Runs.Select(r => r.TargetAccuracy).Should().Equal(result.Runs.Select(r => r.TargetAccuracy));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Run_UnknownTarget_ListsKnownDomains()
    {
        var data = SyntheticDomains.Create(perClass: 2);
        var act = () => new LeaveOneOutExperiment().Run((_, _) => Student.SmallCnn(8, width: 8), null, data, [0], "unused", ["photo"]);
        act.Should().Throw<ArgumentException>().WithMessage("Unknown target domain(s) 'photo'. Known domains: domain0, domain1, domain2, domain3.*");
    }

    private sealed class SyncExperimentProgress(Action<ExperimentProgress> onReport) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value) => onReport(value);
    }
}
