using VL2V.Distillation.Students;
using VL2V.Distillation.Tests.TestSupport;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Training;

/// <summary>The trainer on synthetic domains with a fake teacher (tiny CNN, 16 px, a few dozen steps).</summary>
public sealed class DistillationTrainerTests
{
    private static readonly TrainerOptions Quick = new()
    {
        Steps = 30, EvaluateEvery = 10, BatchSizePerDomain = 8, ImageSize = 16, LearningRate = 3e-3,
        ReportEvery = 1, EvaluationBatchSize = 64, AlignCheckpointFromStep = 0, LoaderWorkers = 1,
        Swad = new SwadOptions { Enabled = false },
    };

    private static Student NewStudent(DistillationMethod method, int seed = 1)
    {
        torch.manual_seed(seed);
        bool classifier = method is DistillationMethod.Erm or DistillationMethod.KnowledgeDistillation;
        return Student.SmallCnn(embeddingDim: 8, numClasses: classifier ? 3 : null, width: 8);
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module m) =>
        m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());

    [Theory]
    [InlineData(DistillationMethod.Adip)]
    [InlineData(DistillationMethod.AlignOnly)]
    [InlineData(DistillationMethod.SingleStageAdip)]
    [InlineData(DistillationMethod.SelfDistillation)]
    [InlineData(DistillationMethod.Erm)]
    [InlineData(DistillationMethod.KnowledgeDistillation)]
    public void Fit_EveryMethodLowersItsLoss(DistillationMethod method)
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(method);
        var reports = new List<TrainingProgress>();
        var result = new DistillationTrainer(Quick with { Method = method }).Fit(student, teacher, data, split, new SyncProgress(reports));

        var last = reports.Where(r => r.StageIndex == r.StageCount - 1).ToList();
        double early = last.Take(5).Average(r => r.Loss), late = last.TakeLast(5).Average(r => r.Loss);
        late.Should().BeLessThan(early, $"{method} must learn in its last stage ({early:F4} → {late:F4})");
        result.Stages.Should().HaveCount(method is DistillationMethod.Adip ? 2 : 1);
        result.Stages[^1].Evaluations.Select(e => e.Step).Should().Equal(0, 10, 20, 29);
        result.Reported.TargetAccuracy.Should().BeInRange(0, 1);
    }

    [Fact]
    public void Adip_AlignTrainsOnlyTheHead_DistillOnlyTheBackbone_BatchNormStaysFrozen()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(DistillationMethod.Adip);
        var initial = Snapshot(student);
        Dictionary<string, Tensor>? afterAlign = null;
        var progress = new SyncProgress(r =>
        {
            if (r.Stage == "align" && r.Step == Quick.Steps - 1) afterAlign = Snapshot(student);
        });
        new DistillationTrainer(Quick).Fit(student, teacher, data, split, progress);
        var final = Snapshot(student);

        afterAlign.Should().NotBeNull();
        foreach (var (name, value) in initial)
        {
            bool head = name.StartsWith("head.", StringComparison.Ordinal);
            bool bnStatistic = name.Contains("running_") || name.Contains("num_batches_tracked");
            if (bnStatistic)
            {
                final[name].allclose(value).Should().BeTrue($"BatchNorm statistic {name} must stay frozen");
                continue;
            }
            // Align: the backbone is frozen, the head trains.
            afterAlign![name].allclose(value).Should().Be(!head, $"after Align, {name} must {(head ? "change" : "stay")}");
        }
        foreach (var name in initial.Keys.Where(n => n.StartsWith("head.", StringComparison.Ordinal)))
        {
            // Distill starts from Align's selected checkpoint, so compare the head with the final one of a frozen head:
            // it must be one of Align's evaluated checkpoints, i.e. unchanged during Distill.
            final[name].allclose(initial[name]).Should().BeFalse($"{name} was trained in Align");
        }
        initial.Where(kv => kv.Key.StartsWith("backbone.", StringComparison.Ordinal) && kv.Key.EndsWith("weight", StringComparison.Ordinal))
            .Any(kv => !final[kv.Key].allclose(kv.Value)).Should().BeTrue("Distill trains the backbone");
    }

    [Fact]
    public void Adip_DistillKeepsTheHandedOverHead()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(DistillationMethod.Adip);
        Dictionary<string, Tensor>? atDistillStart = null;
        var progress = new SyncProgress(r =>
        {
            if (r.Stage == "distill" && r.Step == 0) atDistillStart = Snapshot(student);
        });
        new DistillationTrainer(Quick).Fit(student, teacher, data, split, progress);
        foreach (var name in atDistillStart!.Keys.Where(n => n.StartsWith("head.", StringComparison.Ordinal)))
            student.state_dict()[name].allclose(atDistillStart[name]).Should().BeTrue($"the projection head {name} is frozen in Distill");
    }

    [Fact]
    public void Swad_ReportsTheAveragedModel()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(DistillationMethod.SingleStageAdip);
        var options = Quick with { Method = DistillationMethod.SingleStageAdip, Steps = 40, EvaluateEvery = 5, Swad = new SwadOptions() };
        var result = new DistillationTrainer(options).Fit(student, teacher, data, split);
        result.Stages[0].Swad.Should().NotBeNull();
        result.Reported.Should().BeSameAs(result.Stages[0].Swad);
    }

    [Fact]
    public void Fit_CancellationThrowsAndLeavesAUsableStudent()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(DistillationMethod.SingleStageAdip);
        using var cts = new CancellationTokenSource();
        int lastStep = -1;
        var progress = new SyncProgress(r =>
        {
            lastStep = r.Step;
            if (r.Step == 7) cts.Cancel();
        });
        var act = () => new DistillationTrainer(Quick with { Method = DistillationMethod.SingleStageAdip }).Fit(student, teacher, data, split, progress, cts.Token);
        act.Should().Throw<OperationCanceledException>();
        lastStep.Should().Be(7, "no step runs after cancellation");
        var output = student.call(torch.rand(2, 3, 16, 16));
        torch.isfinite(output.Embedding).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Fit_DivergenceStopsWithTheStepAndTerms()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = NewStudent(DistillationMethod.Erm);
        var act = () => new DistillationTrainer(Quick with { Method = DistillationMethod.Erm, LearningRate = 1e30 }).Fit(student, teacher, data, split);
        act.Should().Throw<TrainingDivergedException>().Which.Message.Should().MatchRegex("Training diverged in stage 'train' at step [1-9]");
    }

    [Fact]
    public void Fit_IncompatibleInputs_ListEveryProblem()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        using var student = Student.SmallCnn(embeddingDim: null, width: 8);
        var act = () => new DistillationTrainer(Quick).Fit(student, null, data, split);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(string.Join(Environment.NewLine,
            "The student, teacher and data do not fit the training run:",
            "- Adip trains the student's Head, but the student has none. Build it with that part (e.g. a projection head or a classifier).",
            "- Adip needs a teacher, but none was given."));
    }

    [Fact]
    public void Fit_DoesNotLeakTensors()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        long LeakOf(int steps)
        {
            using var student = NewStudent(DistillationMethod.Adip);
            long before = Live();
            new DistillationTrainer(Quick with { Steps = steps, EvaluateEvery = 100, Swad = new SwadOptions() }).Fit(student, teacher, data, split);
            return Live() - before;
        }

        long shortRun = LeakOf(10), longRun = LeakOf(60);
        longRun.Should().Be(shortRun, "live tensors after a run must not grow with the number of steps");
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public SyncProgress(List<TrainingProgress> sink) : this(sink.Add) { }

        public void Report(TrainingProgress value) => onReport(value);
    }
}
