using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.Modules;
using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Training.Swad;

namespace VL2V.Distillation.Training;

/// <summary>
/// Trains a student from a frozen teacher under DomainBed's leave-one-domain-out protocol: VL2V-ADiP
/// (Align → Distill → Predict), VL2V-SD and the paper's baselines, with model selection and SWAD.
/// </summary>
/// <remarks>
/// <para>Synchronous by design: the work is compute-bound. Hosts call <c>await Task.Run(() => trainer.Fit(...))</c>.
/// One dispose scope per step keeps native memory flat; the teacher runs under <c>no_grad</c>.</para>
/// <para>After <see cref="Fit{TStudent}"/> the student holds the reported model: the SWAD average when SWAD is on,
/// otherwise the weights chosen by training-domain validation. A trainer may be reused for several runs but is not
/// thread-safe.</para>
/// </remarks>
public sealed class DistillationTrainer
{
    private readonly TrainerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The hyper-parameters, or null for the official recipe.</param>
    /// <param name="logger">A logger, or null for none.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message lists every problem.</exception>
    public DistillationTrainer(TrainerOptions? options = null, ILogger<DistillationTrainer>? logger = null)
    {
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The hyper-parameters.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Runs every stage of <see cref="TrainerOptions.Method"/> on one split.</summary>
    /// <param name="student">The student; its weights are the starting point and are updated in place.</param>
    /// <param name="teacher">The frozen teacher; null only for <see cref="DistillationMethod.Erm"/>.</param>
    /// <param name="dataset">The images. Its classes must be the teacher's, in the same order.</param>
    /// <param name="split">Which domains train and test, made from <paramref name="dataset"/>'s domain sizes.</param>
    /// <param name="checkpointDirectory">
    /// A folder for this run's checkpoints, or null for none. After every evaluation the full training state is saved
    /// there (atomically); calling Fit again with the same folder and options resumes from the last checkpoint and
    /// reaches the same result as an uninterrupted run. A finished run leaves <c>result.json</c> and
    /// <c>student.safetensors</c>, and Fit then only loads them.
    /// </param>
    /// <param name="progress">Receives a report every <see cref="TrainerOptions.ReportEvery"/> steps and after every evaluation.</param>
    /// <param name="cancellationToken">Checked before every step. On cancellation an <see cref="OperationCanceledException"/>
    /// is thrown, the student keeps the weights of the last completed step and the last checkpoint stays valid.</param>
    /// <returns>Every evaluation and the selected ones, per stage.</returns>
    /// <exception cref="ArgumentException">The student, teacher, dataset and split do not fit the method or each other.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the student's output became NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint folder holds a run made with other options.</exception>
    public RunResult Fit<TStudent>(TStudent student, ITeacher? teacher, IDomainDataset dataset, DomainSplit split,
        string? checkpointDirectory = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        CheckCompatible(student, teacher, dataset, split);

        if (checkpointDirectory is not null && TrainingCheckpoint.TryLoadResult(checkpointDirectory, _options) is { } finished)
        {
            LoadState(student, finished.Student, "");
            DisposeAll(finished.Student);
            return finished.Result;
        }
        var resume = checkpointDirectory is null ? null : TrainingCheckpoint.TryLoad(checkpointDirectory, _options);

        var clock = Stopwatch.StartNew();
        var stages = TrainingStage.Plan(_options, student);
        Log.RunStarted(_logger, _options.Method, string.Join(", ", split.TrainDomains.Select(d => d.Name)),
            string.Join(", ", split.TestDomains.Select(d => d.Name)), _options.Seed, stages.Count, _options.Steps);

        // The official code keeps BatchNorm statistics frozen in every algorithm (hparams freeze_bn = True).
        student.FreezeBatchNormStatistics = _options.FreezeBatchNormStatistics;
        var evaluator = new StudentEvaluator(dataset, split, _options);
        using var run = new RunState(teacher);
        var results = new List<StageResult>(resume?.State.CompletedStages ?? []);
        try
        {
            if (resume is not null) run.Restore(resume.Tensors, resume.State.LogitScale);
            var context = new RunContext(dataset, split, evaluator, run, checkpointDirectory, progress, clock)
            {
                MetricLineCount = resume?.State.MetricLineCount ?? 0,
            };
            for (int i = resume?.State.StageIndex ?? 0; i < stages.Count; i++)
            {
                results.Add(RunStage(student, stages, i, context, i == resume?.State.StageIndex ? resume : null, results, cancellationToken));
            }
        }
        finally
        {
            if (resume is not null) DisposeAll(resume.Tensors);
        }
        var result = new RunResult(_options.Method, split.TestDomains.Select(d => d.Name).ToList(), _options.Seed, results, clock.Elapsed);
        if (checkpointDirectory is not null) TrainingCheckpoint.SaveResult(checkpointDirectory, result, student.state_dict(), _options);
        return result;
    }

    private sealed record RunContext(IDomainDataset Dataset, DomainSplit Split, StudentEvaluator Evaluator, RunState Run,
        string? CheckpointDirectory, IProgress<TrainingProgress>? Progress, Stopwatch Clock)
    {
        /// <summary>Metric lines not yet in <c>metrics.jsonl</c>; flushed with every checkpoint so the file matches it.</summary>
        public List<string> PendingMetrics { get; } = [];

        /// <summary>Lines in <c>metrics.jsonl</c> once the pending ones are written.</summary>
        public int MetricLineCount { get; set; }
    }

    private StageResult RunStage<TStudent>(TStudent student, IReadOnlyList<TrainingStage> stages, int stageIndex, RunContext context,
        TrainingCheckpoint.Loaded? resume, IReadOnlyList<StageResult> completed, CancellationToken cancellationToken)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var stage = stages[stageIndex];
        bool lastStage = stageIndex == stages.Count - 1;
        var trainable = SetTrainable(student, stage.Trainable);
        Log.StageStarted(_logger, stage.Name, string.Join(", ", stage.Trainable), stage.Loss.Formula);

        // torch.optim.Adam's defaults, as DomainBed; our own implementation holds its scalars (see AdamOptimizer).
        using var optimizer = new AdamOptimizer([(trainable.Select(p => (Parameter)p.Value), _options.WeightDecay)], _options.LearningRate,
            beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupledWeightDecay: false);
        bool swad = lastStage && _options.Swad.Enabled;
        using var state = new StageState(swad ? new SwadLossValley(_options.Swad.NConverge, _options.Swad.NTolerance, _options.Swad.ToleranceRatio) : null);
        if (resume is not null)
        {
            state.Restore(student, resume, optimizer);
        }
        else if (swad)
        {
            state.Segment = WeightAverage.StartFrom(trainable);
        }

        var sampler = new DomainBalancedSampler(context.Split, _options.BatchSizePerDomain, seed: _options.Seed * 1009L + stageIndex,
            viewsPerSample: _options.ViewsPerSample);
        var augmentation = new DomainBedAugmentation(new AugmentationOptions { Size = _options.ImageSize });
        using var loader = new BatchLoader(context.Dataset, augmentation, sampler.Batches(state.NextStep).Take(_options.Steps - state.NextStep),
            StudentEvaluator.LoaderOptions(_options), cancellationToken);

        for (int step = state.NextStep; step < _options.Steps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Log.Cancelled(_logger, stage.Name, step);
                cancellationToken.ThrowIfCancellationRequested();
            }
            bool evaluate = step % _options.EvaluateEvery == 0 || step == _options.Steps - 1;
            bool report = evaluate || step % _options.ReportEvery == 0;
            IReadOnlyDictionary<string, double>? values = null;
            using (var scope = torch.NewDisposeScope())
            {
                var batch = loader.Next() ?? throw new InvalidOperationException("The training sampler ran out of batches.");
                student.train();
                var teacherOut = context.Run.Encode(batch, context.Dataset.DomainSizes, _options.AugmentationSeed);
                var output = student.call(batch.Images);
                CheckFinite(stage.Name, step, output);
                var loss = stage.Loss.Compute(output, teacherOut, batch.Labels);
                if (!double.IsFinite(loss.Total.ToDouble()))
                    throw new TrainingDivergedException(stage.Name, step, loss.ToValues(), "the loss is not finite");
                optimizer.ZeroGrad();
                loss.Total.backward();
                optimizer.Step();
                if (report) values = loss.ToValues();
            }
            state.Segment?.Update(trainable, step);
            state.NextStep = step + 1;

            EvaluationRecord? record = null;
            if (evaluate)
            {
                record = context.Evaluator.Evaluate(student, step, context.Run.Classifier(stage.ZeroShot), cancellationToken);
                Internal.NativeHeap.Trim(); // keep resident memory flat over long runs (glibc keeps freed blocks)
                Log.Evaluated(_logger, stage.Name, step, record.SourceValidationAccuracy, record.SourceValidationLoss, record.TargetAccuracy);
                // Stage 1 hands stage 2 its best checkpoint from AlignCheckpointFromStep on (the official --model_save);
                // without SWAD the last stage keeps its best. With SWAD the average is reported instead.
                bool eligible = state.Valley is null && (lastStage || step >= _options.AlignCheckpointFromStep);
                state.Record(record, eligible ? student : null);
                if (state.Valley is not null)
                {
                    state.Valley.Update(state.Segment!, record.SourceValidationLoss);
                    if (ResetSegment(step))
                    {
                        state.Segment!.Dispose();
                        state.Segment = WeightAverage.StartFrom(trainable);
                    }
                }
            }
            TrainingProgress? progressReport = report
                ? new TrainingProgress(stage.Name, stageIndex, stages.Count, step, _options.Steps, values!["total"], values, record, context.Clock.Elapsed)
                : null;
            if (context.CheckpointDirectory is not null)
            {
                if (progressReport is { } r) context.PendingMetrics.Add(MetricsLine(r));
                if (evaluate) SaveCheckpoint(context, stageIndex, step, state, student, optimizer, completed);
            }
            if (progressReport is { } p) context.Progress?.Report(p);
            if (values is not null) Log.StepCompleted(_logger, stage.Name, step, _options.Steps, values["total"]);
        }

        EvaluationRecord? swadRecord = null;
        if (state.Valley is not null)
        {
            using var final = state.Valley.Finish();
            final.CopyTo(student);
            if (!student.FreezeBatchNormStatistics && _options.Swad.BatchNormRefreshSteps > 0)
                RefreshBatchNorm(student, context.Dataset, context.Split, cancellationToken);
            swadRecord = context.Evaluator.Evaluate(student, final.EndStep, context.Run.Classifier(stage.ZeroShot), cancellationToken);
            Log.SwadFinished(_logger, stage.Name, final.Count, final.StartStep, final.EndStep, swadRecord.TargetAccuracy);
        }
        else if (state.Best is not null)
        {
            // Hand over (or keep) the weights chosen by training-domain validation, as the official trainer does.
            LoadState(student, state.Best, "");
            Log.CheckpointHandedOver(_logger, stage.Name, state.BestRecord!.Step, state.BestRecord.SourceValidationAccuracy);
        }

        return new StageResult(stage.Name, state.Records.ToList(),
            EvaluationRecord.Select(state.Records, ModelSelection.TrainingDomainValidation),
            EvaluationRecord.Select(state.Records, ModelSelection.LastStep),
            EvaluationRecord.Select(state.Records, ModelSelection.TestDomainOracle),
            swadRecord);
    }

    private void SaveCheckpoint(RunContext context, int stageIndex, int step, StageState state, nn.Module student,
        AdamOptimizer optimizer, IReadOnlyList<StageResult> completed)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, value) in student.state_dict()) tensors["student." + name] = value;
        if (state.Best is not null) foreach (var (name, value) in state.Best) tensors["best." + name] = value;
        SwadLossValley.SavedSegment? segment = null;
        if (state.Segment is not null)
        {
            foreach (var (name, value) in state.Segment.Export("segment.")) tensors[name] = value;
            segment = new SwadLossValley.SavedSegment(-1, double.NaN, state.Segment.Count, state.Segment.StartStep, state.Segment.EndStep);
        }
        SwadLossValley.ValleyState? valley = null;
        if (state.Valley is not null)
        {
            (valley, var valleyTensors) = state.Valley.Export();
            foreach (var (name, value) in valleyTensors) tensors[name] = value;
        }
        context.Run.Export(tensors);
        var saved = new TrainingCheckpoint.State(TrainingCheckpoint.FormatVersion, TrainingCheckpoint.Fingerprint(_options), stageIndex, step + 1, completed,
            state.Records, state.BestRecord is null ? null : state.Records.IndexOf(state.BestRecord), segment, valley,
            context.Run.LogitScale, (long)stageIndex * (_options.Steps + 1) + step, context.MetricLineCount + context.PendingMetrics.Count);
        TrainingCheckpoint.Save(context.CheckpointDirectory!, saved, tensors, optimizer.Save,
            context.PendingMetrics);
        context.MetricLineCount += context.PendingMetrics.Count;
        context.PendingMetrics.Clear();
    }

    private static string MetricsLine(TrainingProgress p) => System.Text.Json.JsonSerializer.Serialize(new
    {
        stage = p.Stage,
        step = p.Step,
        loss = p.Loss,
        terms = p.Terms,
        evaluation = p.Evaluation,
        elapsed_seconds = p.Elapsed.TotalSeconds,
    }, TrainingCheckpoint.Json).ReplaceLineEndings(" ");

    private bool ResetSegment(int step) => _options.Swad.SegmentReset switch
    {
        SwadSegmentReset.OfficialVl2vDefault => step % 1000 == 0 && step > 2500,
        _ => true,
    };

    private static List<(string Name, Tensor Value)> SetTrainable<TStudent>(TStudent student, IReadOnlyList<StudentPart> trainable)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var selected = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var part in student.Parts)
        {
            bool train = trainable.Contains(part);
            foreach (var p in student.PartParameters(part))
            {
                p.requires_grad = train;
                if (train) selected.Add(p);
            }
        }
        return student.named_parameters().Where(p => selected.Contains(p.parameter)).Select(p => (p.name, (Tensor)p.parameter)).ToList();
    }

    private static void CheckFinite(string stage, int step, StudentOutput output)
    {
        using var scope = torch.NewDisposeScope();
        bool finite = torch.isfinite(output.Embedding).all().item<bool>()
                      && (output.Logits is null || torch.isfinite(output.Logits).all().item<bool>());
        if (!finite) throw new TrainingDivergedException(stage, step, new Dictionary<string, double>(), "the student's output holds NaN or infinite values");
    }

    private static Dictionary<string, Tensor> CopyState(nn.Module student)
    {
        var copy = new Dictionary<string, Tensor>();
        using var scope = torch.NewDisposeScope(); // frees the detach temporaries; the copies are detached from it
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in student.state_dict()) copy[name] = value.detach().clone().DetachFromDisposeScope();
        return copy;
    }

    private static void LoadState(nn.Module student, IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in student.state_dict())
        {
            if (!state.TryGetValue(prefix + name, out var saved))
                throw new InvalidDataException($"The saved state has no '{prefix + name}'; it was made for a different student.");
            value.copy_(saved);
        }
    }

    private static void DisposeAll(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
        state.Clear();
    }

    /// <summary>SWAD's update_bn: recompute BatchNorm statistics of the averaged weights as a cumulative mean over training batches.</summary>
    private void RefreshBatchNorm<TStudent>(TStudent student, IDomainDataset dataset, DomainSplit split, CancellationToken cancellationToken)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var norms = student.modules().OfType<NormBase>().Where(n => n.track_running_stats).ToList();
        if (norms.Count == 0) return;
        var momenta = norms.Select(n => n.momentum).ToList();
        foreach (var n in norms)
        {
            n.reset_running_stats();
            n.momentum = null;
        }
        var sampler = new DomainBalancedSampler(split, _options.BatchSizePerDomain, seed: _options.Seed * 1009L + 997);
        using var loader = new BatchLoader(dataset, new DomainBedAugmentation(new AugmentationOptions { Size = _options.ImageSize }),
            sampler.Batches().Take(_options.Swad.BatchNormRefreshSteps), StudentEvaluator.LoaderOptions(_options), cancellationToken);
        student.train();
        using (torch.no_grad())
        {
            while (true)
            {
                using var scope = torch.NewDisposeScope();
                var batch = loader.Next();
                if (batch is null) break;
                student.call(batch.Images);
            }
        }
        for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
    }

    private void CheckCompatible<TStudent>(TStudent student, ITeacher? teacher, IDomainDataset dataset, DomainSplit split)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var problems = new List<string>();
        var method = _options.Method;
        foreach (var part in TrainingStage.RequiredParts(method).Where(p => !student.Parts.Contains(p)))
            problems.Add($"{method} trains the student's {part}, but the student has none. Build it with that part (e.g. a projection head or a classifier).");
        if (teacher is null && method != DistillationMethod.Erm)
            problems.Add($"{method} needs a teacher, but none was given.");
        if (teacher is not null && method != DistillationMethod.Erm && student.EmbeddingDim != teacher.EmbeddingDim && method != DistillationMethod.KnowledgeDistillation)
            problems.Add($"The student embeds into {student.EmbeddingDim} dimensions but the teacher's embeddings have {teacher.EmbeddingDim}. Build the student's head with embeddingDim {teacher.EmbeddingDim}.");
        if (teacher is not null && !teacher.ClassNames.SequenceEqual(dataset.Classes))
            problems.Add($"The teacher's classes [{string.Join(", ", teacher.ClassNames)}] are not the dataset's [{string.Join(", ", dataset.Classes)}] in the same order. Build the teacher from dataset.Classes.");
        if ((method is DistillationMethod.Erm or DistillationMethod.KnowledgeDistillation) && student.NumClasses is int c && c != dataset.Classes.Count)
            problems.Add($"The student's classifier has {c} outputs but the dataset has {dataset.Classes.Count} classes.");
        var sizes = split.Domains.Select(d => new DomainSize(d.Name, d.Count));
        if (!sizes.SequenceEqual(dataset.DomainSizes))
            problems.Add("The split was not made from this dataset's domains. Create it with DomainSplit.LeaveOneOut(dataset.DomainSizes, ...).");
        if (problems.Count > 0)
            throw new ArgumentException("The student, teacher and data do not fit the training run:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
    }

    /// <summary>The teacher side of a run: encodes batches and keeps a copy of the class text embeddings for prediction.</summary>
    private sealed class RunState(ITeacher? teacher) : IDisposable
    {
        private Tensor? _classText;
        private double _logitScale = 100;

        public TeacherEmbeddings? Encode(DataBatch batch, IReadOnlyList<DomainSize> domainSizes, long augmentationSeed)
        {
            if (teacher is null) return null;
            TeacherEmbeddings embeddings;
            // Keys name the image content AND its augmented view, so a caching teacher never serves another view's row.
            var keys = TeacherCacheKey.ForBatch(batch, domainSizes, augmentationSeed);
            using (torch.no_grad()) embeddings = teacher.Encode(batch.Images, keys);
            if (_classText is null)
            {
                _classText = embeddings.ClassText.detach().clone().DetachFromDisposeScope();
                _logitScale = embeddings.LogitScale;
            }
            return embeddings;
        }

        public double LogitScale => _logitScale;

        public void Export(Dictionary<string, Tensor> tensors)
        {
            if (_classText is not null) tensors["run.class_text"] = _classText;
        }

        public void Restore(IReadOnlyDictionary<string, Tensor> tensors, double logitScale)
        {
            if (tensors.TryGetValue("run.class_text", out var classText)) _classText = classText.clone().DetachFromDisposeScope();
            _logitScale = logitScale;
        }

        public StudentEvaluator.Classifier Classifier(bool zeroShot) =>
            new(zeroShot ? _classText ?? throw new InvalidOperationException("The teacher has not encoded any batch yet.") : null, _logitScale);

        public void Dispose() => _classText?.Dispose();
    }

    /// <summary>The mutable state of one stage: evaluations, the selected weights and SWAD's averages.</summary>
    private sealed class StageState(SwadLossValley? valley) : IDisposable
    {
        public int NextStep { get; set; }
        public List<EvaluationRecord> Records { get; } = [];
        public Dictionary<string, Tensor>? Best { get; private set; }
        public EvaluationRecord? BestRecord { get; private set; }
        public WeightAverage? Segment { get; set; }
        public SwadLossValley? Valley => valley;

        /// <summary>Adds an evaluation; keeps a copy of the student's weights when it is the best so far by source validation.</summary>
        public void Record(EvaluationRecord record, nn.Module? eligibleStudent)
        {
            Records.Add(record);
            if (eligibleStudent is null || (BestRecord is not null && record.SourceValidationAccuracy <= BestRecord.SourceValidationAccuracy)) return;
            DisposeAll(Best);
            Best = CopyState(eligibleStudent);
            BestRecord = record;
        }

        public void Restore(nn.Module student, TrainingCheckpoint.Loaded loaded, AdamOptimizer optimizer)
        {
            var s = loaded.State;
            LoadState(student, loaded.Tensors, "student.");
            NextStep = s.NextStep;
            Records.AddRange(s.Records);
            if (s.BestRecordIndex is int best)
            {
                BestRecord = Records[best];
                Best = loaded.Tensors.Where(kv => kv.Key.StartsWith("best.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["best.".Length..], kv => kv.Value.clone().DetachFromDisposeScope());
            }
            if (s.Segment is { } segment)
                Segment = WeightAverage.Import(loaded.Tensors, "segment.", segment.Count, segment.StartStep, segment.EndStep);
            if (s.Valley is not null) valley!.Import(s.Valley, loaded.Tensors);
            using var reader = new BinaryReader(new MemoryStream(loaded.Optimizer));
            optimizer.Load(reader, loaded.OptimizerPath);
        }

        public void Dispose()
        {
            Segment?.Dispose();
            DisposeAll(Best);
            valley?.Dispose();
        }
    }
}
