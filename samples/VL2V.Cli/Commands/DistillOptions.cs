using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VL2V.Distillation.Data;
using VL2V.Distillation.Training;

namespace VL2V.Cli.Commands;

/// <summary>
/// The options of <c>vl2v distill</c> (shared with <c>vl2v sweep</c>), each mapped onto one field of
/// <see cref="TrainerOptions"/>, the teacher, the student or the experiment; defaults are read from <see cref="TrainerOptions"/>.
/// </summary>
internal sealed class DistillOptions
{
    public static readonly string[] Methods = ["adip", "sd", "erm", "kd", "align-only"];
    public static readonly string[] Students = ["small-cnn", "resnet18", "resnet50", "vit-s16", "vit-b16", "deit-s", "clip"];
    public static readonly string[] Selections = ["val", "last", "oracle"];
    private static readonly TrainerOptions Defaults = new();

    public Option<string> Data { get; } = new("--data")
    {
        Description = "Dataset root ROOT/<domain>/<class>/<image> (.jpg/.jpeg/.png); every image is decoded and checked before training.",
        Required = true,
        HelpName = "ROOT",
    };

    public Option<string?> Dataset { get; } = Named(new Option<string?>("--dataset")
    {
        Description = "DomainBed benchmark the folder must match (domain and class folders); also sets the default --steps and --eval-every " +
                      "(DomainBed's N_STEPS / CHECKPOINT_FREQ: 5001/200, DomainNet 15001/1000). Default: none (the folder's own domains, official defaults).",
        HelpName = string.Join("|", DomainBedDatasets.All.Select(d => d.Name)),
    }, DomainBedDatasets.All.Select(d => d.Name));

    public Option<string?> TeacherWeights { get; } = new("--teacher-weights")
    {
        Description = "CLIP teacher weights: OpenAI TorchScript (ViT-B-16.pt), state dict (.pt/.pth/.safetensors) or Hugging Face model.safetensors " +
                      "(config.json beside it). Required except for --method erm.",
        HelpName = "FILE",
    };

    public Option<string?> TeacherConfig { get; } = new("--teacher-config")
    {
        Description = "Architecture JSON of the teacher (open_clip, Hugging Face CLIPConfig or OpenAI constructor arguments). " +
                      "Default: inferred from the weights (Hugging Face: the config.json beside them).",
        HelpName = "JSON",
    };

    public Option<string?> Vocab { get; } = TeacherVocab();

    public Option<string> Student { get; } = Named(new Option<string>("--student")
    {
        Description = "Student: small-cnn (random init, for 32–64 px), resnet18, resnet50, vit-s16, vit-b16, deit-s (ImageNet weights via --student-weights), " +
                      "or clip (VL2V-SD: the teacher's image tower; needs --method sd).",
        Required = true,
        HelpName = string.Join("|", Students),
    }, Students);

    public Option<string?> StudentWeights { get; } = new("--student-weights")
    {
        Description = "Backbone weights of the student (torchvision ResNet state dict; timm/torchvision ViT or DeiT state dict). Default: random initialisation.",
        HelpName = "FILE",
    };

    public Option<string> Method { get; } = Named(new Option<string>("--method")
    {
        Description = "adip = VL2V-ADiP (Align, then Distill); sd = VL2V-SD (CLIP student); erm = cross-entropy baseline (no teacher); " +
                      "kd = Hinton distillation baseline; align-only = ADiP's Align stage only.",
        Required = true,
        HelpName = string.Join("|", Methods),
    }, Methods);

    public Option<string> TestDomains { get; } = new("--test-domains")
    {
        Description = "Target (held-out) domains, comma-separated, or 'all' for leave-one-domain-out over every domain.",
        DefaultValueFactory = _ => "all",
        HelpName = "all|D1,D2",
    };

    public Option<string> Seeds { get; } = new("--seeds")
    {
        Description = "Seeds of the runs (initialisation, sampling; one run per target domain and seed), comma-separated.",
        DefaultValueFactory = _ => "0",
        HelpName = "0,1,2",
    };

    public Option<int?> Steps { get; } = new("--steps")
    {
        Description = $"Training steps per stage (TrainerOptions.Steps). Default: the --dataset's N_STEPS, else {Defaults.Steps}.",
        HelpName = "N",
    };

    public Option<int?> EvalEvery { get; } = new("--eval-every")
    {
        Description = $"Evaluate every N steps and after the last (TrainerOptions.EvaluateEvery). Default: the --dataset's CHECKPOINT_FREQ, else {Defaults.EvaluateEvery}.",
        HelpName = "N",
    };

    public Option<int> ImageSize { get; } = new("--image-size")
    {
        Description = "Side of the square images student and teacher see (TrainerOptions.ImageSize); must equal the teacher's resolution.",
        DefaultValueFactory = _ => Defaults.ImageSize,
        HelpName = "N",
    };

    public Option<int> BatchPerDomain { get; } = new("--batch-per-domain")
    {
        Description = "Images per source domain per step (TrainerOptions.BatchSizePerDomain).",
        DefaultValueFactory = _ => Defaults.BatchSizePerDomain,
        HelpName = "N",
    };

    public Option<double> LearningRate { get; } = new("--lr")
    {
        Description = "Adam learning rate (TrainerOptions.LearningRate).",
        DefaultValueFactory = _ => Defaults.LearningRate,
        HelpName = "X",
    };

    public Option<double> WeightDecay { get; } = new("--weight-decay")
    {
        Description = "Adam L2 weight decay (TrainerOptions.WeightDecay).",
        DefaultValueFactory = _ => Defaults.WeightDecay,
        HelpName = "X",
    };

    public Option<double> Lambda { get; } = new("--lambda")
    {
        Description = "ADiP weight of the image target; the text target gets 1 - lambda (TrainerOptions.Lambda).",
        DefaultValueFactory = _ => Defaults.Lambda,
        HelpName = "X",
    };

    public Option<double> KdTemperature { get; } = new("--kd-temperature")
    {
        Description = "Softmax temperature of the kd baseline (TrainerOptions.KdTemperature).",
        DefaultValueFactory = _ => Defaults.KdTemperature,
        HelpName = "T",
    };

    public Option<int> AlignFromStep { get; } = new("--align-from-step")
    {
        Description = "The Align stage hands over its best checkpoint at or after this step (TrainerOptions.AlignCheckpointFromStep; official ViT-B/16 scripts: 1000).",
        DefaultValueFactory = _ => Defaults.AlignCheckpointFromStep,
        HelpName = "N",
    };

    public Option<string> Selection { get; } = Named(new Option<string>("--selection")
    {
        Description = "Evaluation reported besides SWAD (TrainerOptions.Selection): val = training-domain validation, last = last step, " +
                      "oracle = test-domain oracle (not a domain-generalization result).",
        DefaultValueFactory = _ => "val",
        HelpName = string.Join("|", Selections),
    }, Selections);

    public Option<bool> NoSwad { get; } = new("--no-swad")
    {
        Description = "Report the checkpoint chosen by --selection instead of the SWAD weight average (TrainerOptions.Swad.Enabled = false). Default: SWAD on.",
    };

    public Option<double> HoldoutFraction { get; } = new("--holdout-fraction")
    {
        Description = "Fraction of every domain held out for validation (TrainerOptions.HoldoutFraction).",
        DefaultValueFactory = _ => Defaults.HoldoutFraction,
        HelpName = "X",
    };

    public Option<int> TrialSeed { get; } = new("--trial-seed")
    {
        Description = "DomainBed trial seed: which images are held out (TrainerOptions.TrialSeed).",
        DefaultValueFactory = _ => Defaults.TrialSeed,
        HelpName = "N",
    };

    public Option<long> AugmentationSeed { get; } = new("--augmentation-seed")
    {
        Description = "Seed of the augmented views (TrainerOptions.AugmentationSeed); must match 'vl2v cache build' for cached rows to be found.",
        DefaultValueFactory = _ => Defaults.AugmentationSeed,
        HelpName = "N",
    };

    public Option<int?> Workers { get; } = new("--workers")
    {
        Description = "Image decode/augment threads (TrainerOptions.LoaderWorkers). Default: one per core, at most 8.",
        HelpName = "N",
    };

    public Option<int> EvalBatchSize { get; } = new("--eval-batch-size")
    {
        Description = "Images per evaluation batch (TrainerOptions.EvaluationBatchSize).",
        DefaultValueFactory = _ => Defaults.EvaluationBatchSize,
        HelpName = "N",
    };

    public Option<string> Out { get; } = new("--out")
    {
        Description = "Experiment folder: one run folder per target and seed (DIR/<target>/seed<N>/, resumable), summary.md and results.json. " +
                      "Run the same command again to resume unfinished runs; finished ones are loaded, not retrained.",
        Required = true,
        HelpName = "DIR",
    };

    public Option<string?> Cache { get; } = new("--cache")
    {
        Description = "Teacher embedding cache root (see 'vl2v cache build'); rows live in DIR/<fingerprint>/ and missing ones are added during training. Default: none.",
        HelpName = "DIR",
    };

    public Option<int?> ViewsPerSample { get; } = new("--views-per-sample")
    {
        Description = "Fixed augmented views per training image (TrainerOptions.ViewsPerSample), so cached teacher rows are reused. " +
                      "Default: 8 with --cache, else a fresh view at every draw (the official recipe).",
        HelpName = "K",
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "TorchSharp device of teacher and student: cpu, cuda or cuda:N (needs a CUDA libtorch backend).",
        DefaultValueFactory = _ => "cpu",
        HelpName = "cpu|cuda",
    };

    /// <summary>Every option, in help order.</summary>
    public IReadOnlyList<Option> All =>
    [
        Data, Dataset, TeacherWeights, TeacherConfig, Vocab, Student, StudentWeights, Method, TestDomains, Seeds, Steps, EvalEvery,
        ImageSize, BatchPerDomain, LearningRate, WeightDecay, Lambda, KdTemperature, AlignFromStep, Selection, NoSwad,
        HoldoutFraction, TrialSeed, AugmentationSeed, Workers, EvalBatchSize, Out, Cache, ViewsPerSample, Device,
    ];

    /// <summary>The library method of a --method name.</summary>
    public static DistillationMethod ToMethod(string name) => name switch
    {
        "adip" => DistillationMethod.Adip,
        "sd" => DistillationMethod.SelfDistillation,
        "erm" => DistillationMethod.Erm,
        "kd" => DistillationMethod.KnowledgeDistillation,
        "align-only" => DistillationMethod.AlignOnly,
        _ => throw new CliException($"--method '{name}' is unknown; use one of {string.Join(", ", Methods)}."),
    };

    /// <summary>The --method name of a library method (the label in reports).</summary>
    public static string MethodName(DistillationMethod method) => method switch
    {
        DistillationMethod.Adip => "adip",
        DistillationMethod.SelfDistillation => "sd",
        DistillationMethod.Erm => "erm",
        DistillationMethod.KnowledgeDistillation => "kd",
        DistillationMethod.AlignOnly => "align-only",
        _ => method.ToString(),
    };

    /// <summary>The benchmark descriptor of --dataset, or null.</summary>
    public DatasetDescriptor? Descriptor(ParseResult parse) =>
        parse.GetValue(Dataset) is { } name ? DomainBedDatasets.Get(name) : null;

    /// <summary>The trainer options of a command line (steps and evaluation frequency from --dataset unless given).</summary>
    public TrainerOptions TrainerOptions(ParseResult parse)
    {
        var descriptor = Descriptor(parse);
        var options = new TrainerOptions
        {
            Method = ToMethod(parse.GetValue(Method)!),
            Steps = parse.GetValue(Steps) ?? descriptor?.Steps ?? Defaults.Steps,
            EvaluateEvery = parse.GetValue(EvalEvery) ?? descriptor?.CheckpointFrequency ?? Defaults.EvaluateEvery,
            BatchSizePerDomain = parse.GetValue(BatchPerDomain),
            LearningRate = parse.GetValue(LearningRate),
            WeightDecay = parse.GetValue(WeightDecay),
            Lambda = parse.GetValue(Lambda),
            KdTemperature = parse.GetValue(KdTemperature),
            AlignCheckpointFromStep = parse.GetValue(AlignFromStep),
            Selection = parse.GetValue(Selection) switch
            {
                "last" => ModelSelection.LastStep,
                "oracle" => ModelSelection.TestDomainOracle,
                _ => ModelSelection.TrainingDomainValidation,
            },
            Swad = new SwadOptions { Enabled = !parse.GetValue(NoSwad) },
            HoldoutFraction = parse.GetValue(HoldoutFraction),
            TrialSeed = parse.GetValue(TrialSeed),
            AugmentationSeed = parse.GetValue(AugmentationSeed),
            LoaderWorkers = parse.GetValue(Workers),
            EvaluationBatchSize = parse.GetValue(EvalBatchSize),
            ImageSize = parse.GetValue(ImageSize),
            ViewsPerSample = parse.GetValue(ViewsPerSample) ?? (parse.GetValue(Cache) is null ? null : 8),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(OptionNames(e.Message));
        }
        return options;
    }

    /// <summary>The seeds of --seeds.</summary>
    public List<int> SeedList(ParseResult parse) => ParseSeeds(parse.GetValue(Seeds)!);

    public static List<int> ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) || seed < 0)
                throw new CliException($"--seeds '{text}' must be a comma-separated list of non-negative integers such as 0,1,2 ('{part}' is not).");
            if (seeds.Contains(seed)) throw new CliException($"--seeds '{text}' lists seed {seed} twice.");
            seeds.Add(seed);
        }
        return seeds;
    }

    /// <summary>The target domains of --test-domains, checked against the known domains; null for all.</summary>
    public static List<string>? ParseTargets(string text, IReadOnlyList<string> domains)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase)) return null;
        var targets = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (targets.Count == 0) throw new CliException("--test-domains is empty; give 'all' or domain names such as sketch,photo.");
        var unknown = targets.Where(t => !domains.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new CliException($"--test-domains names unknown domain(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the domains are {string.Join(", ", domains)}.");
        if (targets.Distinct().Count() != targets.Count) throw new CliException($"--test-domains '{text}' names a domain twice.");
        return targets;
    }

    /// <summary>Checks the method/student/weights combination before anything is loaded.</summary>
    public void CheckCombination(ParseResult parse) => CheckCombination(parse, parse.GetValue(Method)!, checkFiles: true);

    /// <summary>Checks the combination of <paramref name="method"/> with the other options (and that the named files exist).</summary>
    public void CheckCombination(ParseResult parse, string method, bool checkFiles)
    {
        string student = parse.GetValue(Student)!;
        if (student == "clip" && method != "sd")
            throw new CliException($"--student clip is the VL2V-SD student and needs --method sd (was --method {method}).");
        if (method == "sd" && student != "clip")
            throw new CliException($"--method sd trains CLIP's own image tower: use --student clip (was --student {student}).");
        if (parse.GetValue(StudentWeights) is { } weights)
        {
            if (student is "small-cnn" or "clip")
                throw new CliException($"--student {student} takes no --student-weights ({(student == "clip" ? "it starts from the teacher's weights" : "it is randomly initialised")}).");
            if (checkFiles) ModelFiles.RequireFile(weights, "--student-weights");
        }
        if (parse.GetValue(TeacherWeights) is null && method != "erm")
            throw new CliException($"--method {method} needs a teacher: pass --teacher-weights FILE.");
        if (parse.GetValue(Cache) is not null && method == "erm")
            throw new CliException("--cache caches teacher embeddings, but --method erm uses no teacher; leave --cache out.");
    }

    /// <summary>Rewrites the library's option names in a validation message into the command line's.</summary>
    private static string OptionNames(string message)
    {
        (string, string)[] names =
        [
            ("EvaluateEvery", "--eval-every"), ("BatchSizePerDomain", "--batch-per-domain"), ("LearningRate", "--lr"),
            ("WeightDecay", "--weight-decay"), ("KdTemperature", "--kd-temperature"), ("AlignCheckpointFromStep", "--align-from-step"),
            ("HoldoutFraction", "--holdout-fraction"), ("ViewsPerSample", "--views-per-sample"), ("ImageSize", "--image-size"),
            ("LoaderWorkers", "--workers"), ("EvaluationBatchSize", "--eval-batch-size"), ("Lambda", "--lambda"), ("Steps", "--steps"),
        ];
        foreach (var (property, option) in names) message = message.Replace(property + " must", option + " must", StringComparison.Ordinal);
        return message;
    }

    private static Option<string?> TeacherVocab()
    {
        var vocab = CommonOptions.Vocab(beside: true);
        vocab.Description = vocab.Description!.Replace("--weights", "--teacher-weights", StringComparison.Ordinal);
        return vocab;
    }

    private static Option<T> Named<T>(Option<T> option, IEnumerable<string> values)
    {
        option.AcceptOnlyFromAmong([.. values]);
        return option;
    }
}
