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
        var result = new DistillationTrainer(Quick with { Method = method }).Fit(student, teacher, data, split, progress: new SyncProgress(reports));

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
        new DistillationTrainer(Quick).Fit(student, teacher, data, split, progress: progress);
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
        new DistillationTrainer(Quick).Fit(student, teacher, data, split, progress: progress);
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
        var act = () => new DistillationTrainer(Quick with { Method = DistillationMethod.SingleStageAdip }).Fit(student, teacher, data, split, progress: progress, cancellationToken: cts.Token);
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
            new DistillationTrainer(Quick with { Steps = steps, EvaluateEvery = 5, Swad = new SwadOptions() }).Fit(student, teacher, data, split);
            return Live() - before;
        }

        long shortRun = LeakOf(10), longRun = LeakOf(60);
        longRun.Should().Be(shortRun, "live tensors after a run must not grow with the number of steps");
    }

    [Theory]
    [InlineData(DistillationMethod.Adip, "align", 13)]    // killed mid-way through Align
    [InlineData(DistillationMethod.Adip, "distill", 14)]  // killed in Distill, after the hand-over
    [InlineData(DistillationMethod.SingleStageAdip, "train", 12)] // with SWAD state to restore
    public void Fit_ResumedAfterAKillReachesTheUninterruptedResult(DistillationMethod method, string killStage, int killStep)
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        var options = Quick with { Method = method, Steps = 20, EvaluateEvery = 5, Swad = new SwadOptions { Enabled = method != DistillationMethod.Adip, NConverge = 2, NTolerance = 3 } };
        var folder = Directory.CreateTempSubdirectory("vl2v-resume-").FullName;
        try
        {
            using var reference = NewStudent(method);
            var reports = new List<TrainingProgress>();
            var expected = new DistillationTrainer(options).Fit(reference, teacher, data, split, progress: new SyncProgress(reports));

            using var killed = NewStudent(method);
            using var cts = new CancellationTokenSource();
            var stop = new SyncProgress(r => { if (r.Stage == killStage && r.Step == killStep) cts.Cancel(); });
            var act = () => new DistillationTrainer(options).Fit(killed, teacher, data, split, folder, stop, cts.Token);
            act.Should().Throw<OperationCanceledException>();

            using var resumed = NewStudent(method, seed: 99); // different initial weights: everything must come from the checkpoint
            var actual = new DistillationTrainer(options).Fit(resumed, teacher, data, split, folder);

            actual.Stages.Select(s => s.Evaluations).Should().BeEquivalentTo(expected.Stages.Select(s => s.Evaluations), o => o.WithStrictOrdering());
            actual.Reported.Should().BeEquivalentTo(expected.Reported);
            foreach (var (name, value) in reference.state_dict())
                resumed.state_dict()[name].allclose(value, rtol: 1e-5, atol: 1e-6).Should().BeTrue($"{name} must equal the uninterrupted run's");

            // metrics.jsonl holds each report exactly once, as the uninterrupted run reported them.
            var lines = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl"))
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("stage").GetString(), e.GetProperty("step").GetInt32())).ToList();
            lines.Should().Equal(reports.Select(r => ((string?)r.Stage, r.Step)));

            // A finished run is loaded, not trained again.
            using var again = NewStudent(method, seed: 5);
            new DistillationTrainer(options).Fit(again, teacher, data, split, folder).Reported.Should().BeEquivalentTo(expected.Reported);
            again.state_dict()["head.weight"].allclose(resumed.state_dict()["head.weight"]).Should().BeTrue();
            // ... but not for other options.
            var other = () => new DistillationTrainer(options with { Lambda = 0.25 }).Fit(again, teacher, data, split, folder);
            other.Should().Throw<InvalidOperationException>().WithMessage("The finished run in '*' was made with different trainer options*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Fit_RefusesToResumeWithOtherOptions()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        using var teacher = new FakeTeacher(data);
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        var folder = Directory.CreateTempSubdirectory("vl2v-resume-").FullName;
        try
        {
            using var student = NewStudent(DistillationMethod.AlignOnly);
            using var cts = new CancellationTokenSource();
            var options = Quick with { Method = DistillationMethod.AlignOnly };
            var act = () => new DistillationTrainer(options).Fit(student, teacher, data, split, folder, new SyncProgress(r => { if (r.Step == 12) cts.Cancel(); }), cts.Token);
            act.Should().Throw<OperationCanceledException>();
            var other = () => new DistillationTrainer(options with { LearningRate = 1e-2 }).Fit(student, teacher, data, split, folder);
            other.Should().Throw<InvalidOperationException>().WithMessage("The checkpoint in '*' was made with different trainer options*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public SyncProgress(List<TrainingProgress> sink) : this(sink.Add) { }

        public void Report(TrainingProgress value) => onReport(value);
    }
}

public sealed class DistillationTrainerCacheTests
{
    [Fact]
    public void Fit_WithACachingTeacher_EqualsOnlineAndReusesTheCache()
    {
        using var scope = torch.NewDisposeScope();
        var data = SyntheticDomains.Create();
        var split = DomainSplit.LeaveOneOut(data.DomainSizes, "domain3");
        var options = new TrainerOptions
        {
            Steps = 12, EvaluateEvery = 6, BatchSizePerDomain = 8, ImageSize = 16, LearningRate = 3e-3, ReportEvery = 1,
            EvaluationBatchSize = 64, AlignCheckpointFromStep = 0, LoaderWorkers = 1, ViewsPerSample = 2,
            Swad = new SwadOptions { Enabled = false },
        };
        var folder = Directory.CreateTempSubdirectory("vl2v-cache-").FullName;
        try
        {
            RunResult Train(ITeacher teacher, out Dictionary<string, Tensor> weights)
            {
                torch.manual_seed(1);
                using var student = VL2V.Distillation.Students.Student.SmallCnn(embeddingDim: 8, width: 8);
                var result = new DistillationTrainer(options).Fit(student, teacher, data, split);
                weights = student.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
                return result;
            }

            using var online = new FakeTeacher(data);
            var expected = Train(online, out var expectedWeights);

            var first = new FakeTeacher(data);
            using (var caching = new VL2V.Distillation.Teachers.CachingTeacher(first, VL2V.Distillation.Teachers.TeacherEmbeddingCache.Open(folder, "fake-teacher", 8)))
            {
                Train(caching, out _).Stages.Select(s => s.Evaluations).Should().BeEquivalentTo(expected.Stages.Select(s => s.Evaluations));
            }

            var second = new FakeTeacher(data);
            using (var caching = new VL2V.Distillation.Teachers.CachingTeacher(second, VL2V.Distillation.Teachers.TeacherEmbeddingCache.Open(folder, "fake-teacher", 8)))
            {
                var again = Train(caching, out var weights);
                again.Stages.Select(s => s.Evaluations).Should().BeEquivalentTo(expected.Stages.Select(s => s.Evaluations));
                foreach (var (name, value) in expectedWeights) weights[name].allclose(value).Should().BeTrue(name);
                second.EncodeCalls.Should().BeLessThanOrEqualTo(1, "every (image, view) of the run is cached; at most one image is re-encoded to check the class text");
            }
            first.EncodeCalls.Should().BeGreaterThan(1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
