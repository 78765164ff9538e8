using System.Globalization;

namespace VL2V.Distillation.Training;

/// <summary>
/// Hyper-parameters of one training run. The defaults are the official VL2V recipe for DomainBed's 224-px
/// benchmarks (docs/protocol.md): Adam, learning rate 5e-5, no weight decay, no schedule, 32 images per source
/// domain per step, 5001 steps per stage, evaluation every 200 steps, lambda 0.5, SWAD.
/// </summary>
/// <remarks>Use <c>with</c> for variations: <c>options with { Method = DistillationMethod.Erm }</c>.</remarks>
public sealed record TrainerOptions
{
    /// <summary>The method to train.</summary>
    /// <value>The default is <see cref="DistillationMethod.Adip"/>.</value>
    public DistillationMethod Method { get; init; } = DistillationMethod.Adip;

    /// <summary>Training steps per stage (steps 0 .. Steps-1, as DomainBed's <c>N_STEPS</c>).</summary>
    /// <value>The default is 5001 (DomainNet: 15001).</value>
    public int Steps { get; init; } = 5001;

    /// <summary>Evaluate after every step that is a multiple of this, and after the last step.</summary>
    /// <value>The default is 200 (DomainNet: 1000).</value>
    public int EvaluateEvery { get; init; } = 200;

    /// <summary>Images drawn from each source domain per step (with replacement).</summary>
    /// <value>The default is 32.</value>
    public int BatchSizePerDomain { get; init; } = 32;

    /// <summary>Adam's learning rate (betas 0.9, 0.999; constant).</summary>
    /// <value>The default is 5e-5.</value>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Adam's L2 weight decay.</summary>
    /// <value>The default is 0.</value>
    public double WeightDecay { get; init; }

    /// <summary>The ADiP weight of the image-embedding target (the text target gets <c>1 - Lambda</c>).</summary>
    /// <value>The default is 0.5.</value>
    public double Lambda { get; init; } = 0.5;

    /// <summary>The KD baseline's softmax temperature.</summary>
    /// <value>The default is 4.</value>
    public double KdTemperature { get; init; } = 4.0;

    /// <summary>Stage 1's checkpoint (handed to stage 2) is the best by training-domain validation at or after this step.</summary>
    /// <value>The default is 100, as the official ResNet-50, ViT-S and DeiT-S scripts (ViT-B/16: 1000).</value>
    public int AlignCheckpointFromStep { get; init; } = 100;

    /// <summary>
    /// Keep BatchNorm running statistics frozen during training, as the official code does for its ImageNet-pretrained
    /// students (<c>freeze_bn</c>). Turn it off for students trained from scratch, whose statistics must be learned;
    /// SWAD then recomputes them for the averaged weights.
    /// </summary>
    /// <value>The default is true.</value>
    public bool FreezeBatchNormStatistics { get; init; } = true;

    /// <summary>Which evaluation is reported besides the SWAD average.</summary>
    /// <value>The default is <see cref="ModelSelection.TrainingDomainValidation"/>.</value>
    public ModelSelection Selection { get; init; } = ModelSelection.TrainingDomainValidation;

    /// <summary>Dense weight averaging.</summary>
    public SwadOptions Swad { get; init; } = new();

    /// <summary>Fraction of every domain held out (validation for sources, unused for targets).</summary>
    /// <value>The default is 0.2.</value>
    public double HoldoutFraction { get; init; } = DomainSplit.DefaultHoldoutFraction;

    /// <summary>DomainBed's trial seed: which samples are held out.</summary>
    /// <value>The default is 0.</value>
    public int TrialSeed { get; init; }

    /// <summary>The run's seed: initialisation, sampling and augmentation.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>
    /// Augmented views per training image, or null for a fresh view at every draw (the official recipe). With K, each
    /// image has K fixed views, so a <c>CachingTeacher</c> computes each teacher embedding once and reuses it across
    /// steps, stages, target domains and seeds (docs/teacher-cache.md).
    /// </summary>
    /// <value>The default is null.</value>
    public int? ViewsPerSample { get; init; }

    /// <summary>
    /// Seed of the augmentation parameters, kept apart from <see cref="Seed"/> so that runs with different seeds draw
    /// from the same pool of views (and share cached teacher embeddings) while sampling differently.
    /// </summary>
    /// <value>The default is 0.</value>
    public long AugmentationSeed { get; init; }

    /// <summary>Side of the square images the student (and teacher) see.</summary>
    /// <value>The default is 224.</value>
    public int ImageSize { get; init; } = 224;

    /// <summary>Decode-and-augment worker threads, or null for one per core (at most 8).</summary>
    /// <value>The default is null.</value>
    public int? LoaderWorkers { get; init; }

    /// <summary>Batch size for evaluation.</summary>
    /// <value>The default is 128.</value>
    public int EvaluationBatchSize { get; init; } = 128;

    /// <summary>Report progress (and read loss values from the device) every this many steps.</summary>
    /// <value>The default is 50.</value>
    public int ReportEvery { get; init; } = 50;

    /// <summary>Checks every option and throws one exception that lists every problem.</summary>
    /// <exception cref="ArgumentException">Some option is invalid.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!Enum.IsDefined(Method)) problems.Add($"Method must be one of {string.Join(", ", Enum.GetNames<DistillationMethod>())} (was {Method}).");
        if (Steps < 1) problems.Add($"Steps must be ≥ 1 (was {Steps}).");
        if (EvaluateEvery < 1) problems.Add($"EvaluateEvery must be ≥ 1 (was {EvaluateEvery}).");
        if (BatchSizePerDomain < 1) problems.Add($"BatchSizePerDomain must be ≥ 1 (was {BatchSizePerDomain}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) problems.Add($"LearningRate must be a positive finite number (was {F(LearningRate)}).");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) problems.Add($"WeightDecay must be a finite number ≥ 0 (was {F(WeightDecay)}).");
        if (!(Lambda >= 0 && Lambda <= 1)) problems.Add($"Lambda must be in [0, 1] (was {F(Lambda)}).");
        if (!(KdTemperature > 0) || double.IsInfinity(KdTemperature)) problems.Add($"KdTemperature must be a positive finite number (was {F(KdTemperature)}).");
        if (AlignCheckpointFromStep < 0) problems.Add($"AlignCheckpointFromStep must be ≥ 0 (was {AlignCheckpointFromStep}).");
        if (!Enum.IsDefined(Selection)) problems.Add($"Selection must be one of {string.Join(", ", Enum.GetNames<ModelSelection>())} (was {Selection}).");
        if (Swad is null) problems.Add("Swad must not be null; use new SwadOptions { Enabled = false } to turn SWAD off.");
        else problems.AddRange(Swad.Problems());
        if (!(HoldoutFraction > 0 && HoldoutFraction < 1)) problems.Add($"HoldoutFraction must be in (0, 1) (was {F(HoldoutFraction)}).");
        if (ViewsPerSample is < 1) problems.Add($"ViewsPerSample must be ≥ 1 or null (was {ViewsPerSample}).");
        if (ImageSize < 8) problems.Add($"ImageSize must be ≥ 8 (was {ImageSize}).");
        if (LoaderWorkers is < 1) problems.Add($"LoaderWorkers must be ≥ 1 or null (was {LoaderWorkers}).");
        if (EvaluationBatchSize < 1) problems.Add($"EvaluationBatchSize must be ≥ 1 (was {EvaluationBatchSize}).");
        if (ReportEvery < 1) problems.Add($"ReportEvery must be ≥ 1 (was {ReportEvery}).");
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"The '{nameof(TrainerOptions)}' are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
