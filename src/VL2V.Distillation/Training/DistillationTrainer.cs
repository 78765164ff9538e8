using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.Modules;
using VL2V.Distillation.Data;
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
    /// <param name="progress">Receives a report every <see cref="TrainerOptions.ReportEvery"/> steps and after every evaluation.</param>
    /// <param name="cancellationToken">Checked before every step. On cancellation an <see cref="OperationCanceledException"/>
    /// is thrown and the student keeps the weights of the last completed step.</param>
    /// <returns>Every evaluation and the selected ones, per stage.</returns>
    /// <exception cref="ArgumentException">The student, teacher, dataset and split do not fit the method or each other.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the student's output became NaN or infinite.</exception>
    public RunResult Fit<TStudent>(TStudent student, ITeacher? teacher, IDomainDataset dataset, DomainSplit split,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        CheckCompatible(student, teacher, dataset, split);

        var clock = Stopwatch.StartNew();
        var stages = TrainingStage.Plan(_options, student);
        Log.RunStarted(_logger, _options.Method, string.Join(", ", split.TrainDomains.Select(d => d.Name)),
            string.Join(", ", split.TestDomains.Select(d => d.Name)), _options.Seed, stages.Count, _options.Steps);

        // The official code keeps BatchNorm statistics frozen in every algorithm (hparams freeze_bn = True).
        student.FreezeBatchNormStatistics = true;
        var evaluator = new StudentEvaluator(dataset, split, _options);
        using var run = new RunState(teacher);
        var results = new List<StageResult>();
        for (int i = 0; i < stages.Count; i++)
        {
            bool last = i == stages.Count - 1;
            results.Add(RunStage(student, stages[i], i, stages.Count, last, run, dataset, split, evaluator, progress, clock, cancellationToken));
        }
        return new RunResult(_options.Method, split.TestDomains.Select(d => d.Name).ToList(), _options.Seed, results, clock.Elapsed);
    }

    private StageResult RunStage<TStudent>(TStudent student, TrainingStage stage, int stageIndex, int stageCount, bool lastStage,
        RunState run, IDomainDataset dataset, DomainSplit split, StudentEvaluator evaluator,
        IProgress<TrainingProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var trainable = SetTrainable(student, stage.Trainable);
        Log.StageStarted(_logger, stage.Name, string.Join(", ", stage.Trainable), stage.Loss.Formula);

        using var optimizer = torch.optim.Adam(trainable.Select(p => (Parameter)p.Value), lr: _options.LearningRate,
            beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: _options.WeightDecay);
        var sampler = new DomainBalancedSampler(split, _options.BatchSizePerDomain, seed: _options.Seed * 1009L + stageIndex);
        var augmentation = new DomainBedAugmentation(new AugmentationOptions { Size = _options.ImageSize });
        using var loader = new BatchLoader(dataset, augmentation, sampler.Batches().Take(_options.Steps),
            StudentEvaluator.LoaderOptions(_options), cancellationToken);

        bool swad = lastStage && _options.Swad.Enabled;
        var segment = swad ? WeightAverage.StartFrom(trainable) : null;
        using var valley = swad ? new SwadLossValley(_options.Swad.NConverge, _options.Swad.NTolerance, _options.Swad.ToleranceRatio) : null;
        var records = new List<EvaluationRecord>();
        Dictionary<string, Tensor>? best = null; // raw weights chosen by training-domain validation
        EvaluationRecord? bestRecord = null;

        try
        {
            for (int step = 0; step < _options.Steps; step++)
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
                    var teacherOut = run.Encode(batch);
                    var output = student.call(batch.Images);
                    CheckFinite(stage.Name, step, output);
                    var loss = stage.Loss.Compute(output, teacherOut, batch.Labels);
                    if (!double.IsFinite(loss.Total.ToDouble()))
                        throw new TrainingDivergedException(stage.Name, step, loss.ToValues(), "the loss is not finite");
                    optimizer.zero_grad();
                    loss.Total.backward();
                    optimizer.step();
                    if (report) values = loss.ToValues();
                }
                segment?.Update(trainable, step);

                EvaluationRecord? record = null;
                if (evaluate)
                {
                    record = evaluator.Evaluate(student, step, run.Classifier(stage.ZeroShot), cancellationToken);
                    records.Add(record);
                    Log.Evaluated(_logger, stage.Name, step, record.SourceValidationAccuracy, record.SourceValidationLoss, record.TargetAccuracy);
                    // Stage 1 hands stage 2 its best checkpoint from AlignCheckpointFromStep on (the official
                    // --model_save); without SWAD the last stage keeps its best. With SWAD the average is reported.
                    bool eligible = valley is null && (lastStage || step >= _options.AlignCheckpointFromStep);
                    if (eligible && (bestRecord is null || record.SourceValidationAccuracy > bestRecord.SourceValidationAccuracy))
                    {
                        DisposeAll(best);
                        best = CopyState(student);
                        bestRecord = record;
                    }
                    if (valley is not null)
                    {
                        valley.Update(segment!, record.SourceValidationLoss);
                        if (ResetSegment(step))
                        {
                            segment!.Dispose();
                            segment = WeightAverage.StartFrom(trainable);
                        }
                    }
                }
                if (report && progress is not null)
                {
                    progress.Report(new TrainingProgress(stage.Name, stageIndex, stageCount, step, _options.Steps,
                        values!["total"], values, record, clock.Elapsed));
                }
                if (values is not null) Log.StepCompleted(_logger, stage.Name, step, _options.Steps, values["total"]);
            }

            EvaluationRecord? swadRecord = null;
            if (valley is not null)
            {
                using var final = valley.Finish();
                final.CopyTo(student);
                if (!student.FreezeBatchNormStatistics && _options.Swad.BatchNormRefreshSteps > 0)
                    RefreshBatchNorm(student, dataset, split, cancellationToken);
                swadRecord = evaluator.Evaluate(student, final.EndStep, run.Classifier(stage.ZeroShot), cancellationToken);
                Log.SwadFinished(_logger, stage.Name, final.Count, final.StartStep, final.EndStep, swadRecord.TargetAccuracy);
            }
            else if (best is not null)
            {
                // Hand over (or keep) the weights chosen by training-domain validation, as the official trainer does.
                LoadState(student, best);
                Log.CheckpointHandedOver(_logger, stage.Name, bestRecord!.Step, bestRecord.SourceValidationAccuracy);
            }

            return new StageResult(stage.Name, records,
                EvaluationRecord.Select(records, ModelSelection.TrainingDomainValidation),
                EvaluationRecord.Select(records, ModelSelection.LastStep),
                EvaluationRecord.Select(records, ModelSelection.TestDomainOracle),
                swadRecord);
        }
        finally
        {
            segment?.Dispose();
            DisposeAll(best);
        }
    }

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
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in student.state_dict()) copy[name] = value.detach().clone().DetachFromDisposeScope();
        return copy;
    }

    private static void LoadState(nn.Module student, Dictionary<string, Tensor> state)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in student.state_dict()) value.copy_(state[name]);
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

        public TeacherEmbeddings? Encode(DataBatch batch)
        {
            if (teacher is null) return null;
            TeacherEmbeddings embeddings;
            using (torch.no_grad()) embeddings = teacher.Encode(batch.Images, batch.Keys.Select(k => k.ToString()).ToList());
            if (_classText is null)
            {
                _classText = embeddings.ClassText.detach().clone().DetachFromDisposeScope();
                _logitScale = embeddings.LogitScale;
            }
            return embeddings;
        }

        public StudentEvaluator.Classifier Classifier(bool zeroShot) =>
            new(zeroShot ? _classText ?? throw new InvalidOperationException("The teacher has not encoded any batch yet.") : null, _logitScale);

        public void Dispose() => _classText?.Dispose();
    }
}
