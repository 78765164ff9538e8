using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Data;
using VL2V.Distillation.Data.Synthetic;
using VL2V.Distillation.Internal;
using VL2V.Distillation.Losses;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Clip.Embedded;

/// <summary>
/// The embedded benchmark's teacher: a small CLIP (<see cref="ClipModel"/>, ModifiedResNet image tower) pretrained in-process with
/// <see cref="ClipContrastiveLoss"/> on captioned <see cref="SynthDG"/> images of all seven styles (as web-scale
/// pretraining covers all styles), cached as safetensors + JSON, and exposed as a frozen <see cref="ITeacher"/>.
/// </summary>
/// <remarks>
/// <para>Pretraining images are an endless stream of fresh images: step <c>s</c> renders B/2 images of domain
/// <c>2s mod 7</c> and B/2 of <c>(2s+1) mod 7</c> (all seven styles in turn) at indices from
/// <see cref="PretrainingIndexStart"/> on, so the teacher never sees an image of a dataset made by
/// <see cref="SynthDG.Create"/> (indices below it). Two styles per batch mean that matching styles alone lowers the
/// contrastive loss by at most ln 2; the rest must come from class and colour. Captions vary per image: the full caption (25 %), the
/// caption without the colour (60 %), or <c>a [colour] {class}</c> without the style (15 %); mostly colour-free
/// captions make the class, not the colour, the cue that matches an image to its text.</para>
/// <para>Inputs of <see cref="Encode"/>: images <c>[B,3,H,W]</c> float32 normalised with ImageNet's mean and std (the
/// library's default pipeline, <see cref="AugmentationOptions.ImageNetMean"/>); other sizes than the model's resolution
/// are average-pooled (integer factors) or bilinearly resized to it.</para>
/// <para>Not thread-safe (one <see cref="Encode"/> at a time). Disposing frees the model and the class text embeddings.</para>
/// </remarks>
public sealed class EmbeddedTeacher : ITeacher
{
    /// <summary>The first SynthDG index of the pretraining stream; datasets use lower indices.</summary>
    public const int PretrainingIndexStart = 1_000_000;

    /// <summary>The metadata format written next to the weights.</summary>
    public const string Format = "vl2v-synthdg-teacher/1";

    private const int ContextLength = 12;
    private const double CaptionFull = 0.25, CaptionNoColour = 0.6;
    private const double TokenEmbeddingStd = 0.5;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly ClipModel _model;
    private readonly Tensor _classText;
    private bool _disposed;

    private EmbeddedTeacher(ClipModel model, EmbeddedVocabulary vocabulary, EmbeddedTeacherInfo info, IReadOnlyList<string>? templates)
    {
        _model = model;
        _model.eval();
        foreach (var p in _model.parameters()) p.requires_grad = false;
        Vocabulary = vocabulary;
        Info = info;
        Templates = (templates ?? DefaultTemplates).ToArray();
        ClassNames = SynthDG.ClassNames;
        _classText = ClassTextFor(Templates);
        LogitScale = _model.LogitScale;
    }

    /// <summary>The zero-shot prompt of the paper, <c>a photo of a {c}</c> (the default class prompt; see docs/synthdg.md for the measured alternatives).</summary>
    public static IReadOnlyList<string> DefaultTemplates => PromptTemplates.Paper;

    /// <summary>Prompts naming every SynthDG style, <c>{style} of a {c}</c>, averaged per class.</summary>
    public static IReadOnlyList<string> StyleTemplates { get; } =
        SynthDG.AllDomains.Select(d => SynthDG.Caption(d, 0, null)[..^SynthDG.ClassNames[0].Length] + PromptTemplates.ClassPlaceholder).ToArray();

    /// <summary>The frozen model (eval mode, no gradients).</summary>
    public ClipModel Model => _model;

    /// <summary>The word-level tokenizer.</summary>
    public EmbeddedVocabulary Vocabulary { get; }

    /// <summary>Where the teacher came from and how its pretraining went.</summary>
    public EmbeddedTeacherInfo Info { get; }

    /// <summary>The prompt templates of <see cref="TeacherEmbeddings.ClassText"/>.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <inheritdoc />
    public long EmbeddingDim => _model.Config.EmbedDim;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The learned temperature <c>exp(logit_scale)</c>.</summary>
    public double LogitScale { get; }

    /// <summary>The class text embeddings <c>[C, D]</c> float32, unit norm; owned by the teacher.</summary>
    public Tensor ClassText => _classText;

    /// <summary>The word-level vocabulary of the SynthDG caption grammar with a 12-id context.</summary>
    /// <returns>A new vocabulary.</returns>
    public static EmbeddedVocabulary CreateVocabulary() => new(SynthDG.CaptionWords, ContextLength);

    /// <summary>
    /// The teacher's architecture: a ModifiedResNet image tower (CLIP's RN design: 3-conv stem of width 16, one
    /// bottleneck per stage [1,1,1,1], 512 channels at 1 × 1 after 32× downsampling, an attention pool with 8 heads),
    /// text 2 blocks × 64 wide (2 heads), 12-id context, 64-d joint embedding, QuickGELU; 1.43 M parameters.
    /// </summary>
    /// <remarks>
    /// Measured against the former ViT tower (2 blocks × 64 wide, 8-px patches) at equal CPU time, the convolutional
    /// tower learns the SynthDG shapes several times faster per CPU-second (docs/synthdg.md has the table).
    /// </remarks>
    /// <param name="vocabulary">Gives the vocabulary size and context length.</param>
    /// <returns>The configuration.</returns>
    public static ClipConfig CreateConfig(EmbeddedVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new ClipConfig
        {
            EmbedDim = 64,
            ImageResolution = 32,
            VisionLayers = [1, 1, 1, 1],
            VisionWidth = 16,
            VisionPatchSize = null,
            VisionHeads = 8,
            ContextLength = vocabulary.ContextLength,
            VocabSize = vocabulary.VocabularySize,
            TransformerWidth = 64,
            TransformerHeads = 2,
            TransformerLayers = 2,
            Activation = ClipActivation.QuickGelu,
        };
    }

    /// <summary>
    /// Loads the teacher for (generator seed, image size, budget) from <paramref name="cacheDirectory"/>, or pretrains
    /// it and writes it there (weights then metadata, each to a temporary name and renamed) for later runs.
    /// </summary>
    /// <param name="cacheDirectory">The cache folder (created if needed).</param>
    /// <param name="data">The generator whose seed and image size the pretraining images use (its domains and sample count are ignored).</param>
    /// <param name="budget">The pretraining budget.</param>
    /// <param name="progress">Receives a report every 10 steps (stage <c>teacher_pretrain</c>); may be <see langword="null"/>.</param>
    /// <param name="templates">Class prompt templates; <see cref="DefaultTemplates"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the pretraining between steps (nothing is cached then).</param>
    /// <returns>The frozen teacher; <see cref="EmbeddedTeacherInfo.LoadedFromCache"/> says whether it was trained now.</returns>
    /// <exception cref="ArgumentException">The options or budget are invalid.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled during pretraining.</exception>
    public static EmbeddedTeacher GetOrTrain(string cacheDirectory, SynthDGOptions data, EmbeddedTeacherBudget budget,
                                             IProgress<TrainingProgress>? progress = null, IReadOnlyList<string>? templates = null,
                                             CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(budget);
        data.Validate();
        budget.Validate();
        var vocabulary = CreateVocabulary();
        var config = CreateConfig(vocabulary);
        string key = CacheKey(data, budget, config, vocabulary);
        string stem = Path.Combine(Path.GetFullPath(cacheDirectory), $"synthdg-teacher-{key}");
        string weights = stem + ".safetensors", metadata = stem + ".json";
        if (File.Exists(weights) && File.Exists(metadata))
        {
            var loaded = TryLoad(metadata, weights, key, budget, templates);
            if (loaded is not null) return loaded;
        }
        var (model, info) = Pretrain(data, budget, vocabulary, config, key, progress, cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
            StateDictFile.Write(weights, model.state_dict());      // each file to a temporary name, then renamed
            info = info with { WeightsPath = weights };
            AtomicFile.WriteAllText(metadata, JsonSerializer.Serialize(Metadata.From(info, config, vocabulary), JsonOptions));
            return new EmbeddedTeacher(model, vocabulary, info, templates);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Pretrains a teacher without touching any cache.</summary>
    /// <param name="data">The generator whose seed and image size the pretraining images use.</param>
    /// <param name="budget">The pretraining budget.</param>
    /// <param name="progress">Receives a report every 10 steps; may be <see langword="null"/>.</param>
    /// <param name="templates">Class prompt templates; <see cref="DefaultTemplates"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the pretraining between steps.</param>
    /// <returns>The frozen teacher.</returns>
    /// <exception cref="ArgumentException">The options or budget are invalid.</exception>
    public static EmbeddedTeacher Train(SynthDGOptions data, EmbeddedTeacherBudget budget, IProgress<TrainingProgress>? progress = null,
                                        IReadOnlyList<string>? templates = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(budget);
        data.Validate();
        budget.Validate();
        var vocabulary = CreateVocabulary();
        var config = CreateConfig(vocabulary);
        var (model, info) = Pretrain(data, budget, vocabulary, config, CacheKey(data, budget, config, vocabulary), progress, cancellationToken);
        return new EmbeddedTeacher(model, vocabulary, info, templates);
    }

    /// <summary>Loads a cached teacher from its metadata file (the weights file sits next to it).</summary>
    /// <param name="metadataPath">The <c>synthdg-teacher-*.json</c> file.</param>
    /// <param name="templates">Class prompt templates; <see cref="DefaultTemplates"/> when <see langword="null"/>.</param>
    /// <returns>The frozen teacher.</returns>
    /// <exception cref="FileNotFoundException">The metadata or weights file is missing.</exception>
    /// <exception cref="InvalidDataException">The metadata is not a teacher of this format, or the weights do not fit it.</exception>
    public static EmbeddedTeacher Load(string metadataPath, IReadOnlyList<string>? templates = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(metadataPath);
        if (!File.Exists(metadataPath)) throw new FileNotFoundException($"The embedded teacher metadata '{metadataPath}' does not exist.", metadataPath);
        var meta = ReadMetadata(metadataPath);
        var weights = Path.ChangeExtension(metadataPath, ".safetensors");
        return FromMetadata(meta, metadataPath, weights, templates);
    }

    /// <summary>Encodes texts of the teacher's vocabulary.</summary>
    /// <param name="texts">The texts (words of <see cref="Vocabulary"/>).</param>
    /// <returns>text embeddings <c>[N, D]</c> float32, unit norm, no gradient.</returns>
    /// <exception cref="ArgumentException">A text has unknown words or is too long.</exception>
    public Tensor EncodeText(IReadOnlyList<string> texts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var ids = Vocabulary.Tokenize(texts);
        return nn.functional.normalize(_model.EncodeText(ids).to_type(ScalarType.Float32), dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class text embeddings for a template set: each template's embedding normalised, averaged per class, normalised.
    /// The article before the class is fixed as in the captions (<c>a photo of a {c}</c> → <c>a photo of an arrow</c>).
    /// </summary>
    /// <param name="templates">Templates with <c>{c}</c>, in the teacher's vocabulary.</param>
    /// <returns><c>[C, D]</c> float32, unit norm.</returns>
    public Tensor ClassTextFor(IReadOnlyList<string> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0) throw new ArgumentException("At least one prompt template is required.", nameof(templates));
        using var scope = torch.NewDisposeScope();
        var rows = new List<Tensor>();
        foreach (var name in ClassNames)
        {
            var texts = templates.Select(t => WithArticles(t.Replace(PromptTemplates.ClassPlaceholder, name, StringComparison.Ordinal))).ToList();
            rows.Add(nn.functional.normalize(EncodeText(texts).mean([0]), dim: -1));
        }
        return torch.stack(rows).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes images into unit-norm embeddings.</summary>
    /// <param name="images">images <c>[B,3,H,W]</c> float32, ImageNet-normalised (see the remarks of the class).</param>
    /// <returns><c>[B, D]</c> float32, unit norm, no gradient.</returns>
    public Tensor EncodeImages(Tensor images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorChecks.Rank(images, 4, nameof(images), "[B, 3, H, W]");
        TensorChecks.FloatingPoint(images, nameof(images));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = Resize(images.to_type(ScalarType.Float32), _model.Config.ImageResolution);
        return nn.functional.normalize(_model.EncodeImage(x).to_type(ScalarType.Float32), dim: -1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null) =>
        new(EncodeImages(images), _classText, LogitScale);

    /// <summary>Converts uint8 images to the teacher's input: <c>x / 255</c>, then ImageNet mean/std.</summary>
    /// <param name="images">images <c>[B,3,H,W]</c> uint8.</param>
    /// <returns><c>[B,3,H,W]</c> float32.</returns>
    public static Tensor Preprocess(Tensor images) => ImageNetTensors.Normalize(images);

    /// <summary>Zero-shot accuracy of the teacher on every domain of a dataset (all samples, no augmentation).</summary>
    /// <param name="dataset">Images of the SynthDG classes, in label order.</param>
    /// <param name="templates">The class prompts; the teacher's own when <see langword="null"/>.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <returns>Accuracy in [0, 1] per domain, in dataset order.</returns>
    /// <exception cref="ArgumentException">The dataset's classes are not the teacher's.</exception>
    public IReadOnlyList<double> ZeroShotAccuracy(IDomainDataset dataset, IReadOnlyList<string>? templates = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!dataset.Classes.SequenceEqual(ClassNames))
            throw new ArgumentException($"The dataset's classes ({string.Join(", ", dataset.Classes)}) are not the teacher's ({string.Join(", ", ClassNames)}).", nameof(dataset));
        using var scope = torch.NewDisposeScope();
        var classText = templates is null ? _classText : ClassTextFor(templates);
        var result = new List<double>();
        for (int d = 0; d < dataset.Domains.Count; d++)
        {
            int n = dataset.DomainSizes[d].Count, correct = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                using var batchScope = torch.NewDisposeScope();
                int count = Math.Min(batchSize, n - start);
                var samples = Enumerable.Range(start, count).Select(i => dataset.Load(d, i)).ToList();
                var images = Preprocess(torch.stack(samples.Select(s => s.Image.ToTensor())));
                var predicted = ZeroShotClassifier.Predict(EncodeImages(images), classText).data<long>().ToArray();
                correct += predicted.Where((p, i) => p == samples[i].Label).Count();
            }
            result.Add((double)correct / n);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _classText.Dispose();
        _model.Dispose();
    }

    // ------------------------------------------------------------------------------------------ pretraining

    private static (ClipModel Model, EmbeddedTeacherInfo Info) Pretrain(SynthDGOptions data, EmbeddedTeacherBudget budget,
        EmbeddedVocabulary vocabulary, ClipConfig config, string key, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var model = NewModel(config, budget.Seed);
        try
        {
            Reinitialize(model, budget.Seed);
            model.train();
            var named = model.named_parameters().ToList();
            var logitScale = named.Single(p => p.name == "logit_scale").parameter;
            var decay = named.Where(p => p.parameter.dim() >= 2 && p.name != "positional_embedding" && !p.name.EndsWith("class_embedding", StringComparison.Ordinal)
                                         && !p.name.EndsWith("positional_embedding", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
            var rest = named.Select(p => p.parameter).Where(p => !decay.Contains(p)).ToList();
            using var optimizer = new AdamOptimizer([(decay, budget.WeightDecay), (rest, 0.0)], budget.LearningRate,
                beta1: 0.9, beta2: 0.98, eps: 1e-6, decoupledWeightDecay: true);
            var loss = new ClipContrastiveLoss();
            var losses = new List<double>(budget.Steps);
            var domains = SynthDG.AllDomains;
            int warmup = Math.Max(1, budget.Steps / 10);
            double maxScale = Math.Log(100);
            for (int step = 0; step < budget.Steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                double lr = step < warmup
                    ? budget.LearningRate * (step + 1) / warmup
                    : budget.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - warmup) / Math.Max(1, budget.Steps - warmup)));
                optimizer.LearningRate = lr;

                var (pixels, captions) = RenderBatch(data, budget, domains, step);
                using var scope = torch.NewDisposeScope();
                var images = Resize(Preprocess(torch.tensor(pixels, [budget.BatchSize, 3, data.ImageSize, data.ImageSize], ScalarType.Byte)), config.ImageResolution);
                var ids = vocabulary.Tokenize(captions);
                var result = loss.Compute(model.EncodeImage(images), model.EncodeText(ids), logitScale.exp());
                optimizer.ZeroGrad();
                result.Total.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.Step();
                using (torch.no_grad()) logitScale.ClampInPlace(0, maxScale);
                double value = result.Total.item<float>();
                if (!double.IsFinite(value))
                    throw new TrainingDivergedException("teacher_pretrain", step, new Dictionary<string, double> { ["clip_contrastive"] = value },
                        $"the embedded teacher's contrastive loss (lower the budget's LearningRate, was {budget.LearningRate})");
                losses.Add(value);
                if (progress is not null && (step % 10 == 9 || step == budget.Steps - 1))
                {
                    progress.Report(new TrainingProgress("teacher_pretrain", 0, 1, step, budget.Steps, value,
                        new Dictionary<string, double>
                        {
                            ["image_to_text"] = result.Terms["image_to_text"].item<float>(),
                            ["text_to_image"] = result.Terms["text_to_image"].item<float>(),
                        }, null, clock.Elapsed));
                }
            }
            int tail = Math.Max(1, losses.Count / 10);
            var info = new EmbeddedTeacherInfo(key, false, budget, data.Seed, data.ImageSize, clock.Elapsed.TotalSeconds,
                                               losses.Take(tail).Average(), losses.TakeLast(tail).Average(), null);
            return (model, info);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Renders step <paramref name="step"/>'s images: two styles per batch, the first half of domain
    /// <c>2·step mod 7</c>, the second of <c>(2·step + 1) mod 7</c>, image <c>j</c> at index
    /// <c>start + (slot / 7)·B + j</c> (slot = 2·step or 2·step + 1), and their caption variants.
    /// </summary>
    private static (byte[] Pixels, string[] Captions) RenderBatch(SynthDGOptions data, EmbeddedTeacherBudget budget, IReadOnlyList<SynthDomain> domains, int step)
    {
        int b = budget.BatchSize, plane = 3 * data.ImageSize * data.ImageSize;
        var pixels = new byte[b * plane];
        var captions = new string[b];
        Parallel.For(0, b, j =>
        {
            long slot = 2L * step + (j < b / 2 ? 0 : 1);
            var domain = domains[(int)(slot % domains.Count)];
            var image = SynthDG.Render(data.Seed, domain, checked((int)(PretrainingIndexStart + slot / domains.Count * b + j)), data.ImageSize);
            image.Image.Pixels.CopyTo(pixels, j * plane);
            var rng = new CounterRng(budget.Seed, step, j);
            double u = rng.NextDouble();
            string name = SynthDG.ClassNames[image.Label];
            captions[j] = u < CaptionFull ? image.Caption
                : u < CaptionFull + CaptionNoColour ? SynthDG.Caption(image.Domain, image.Label, null)
                : image.Colour is null ? $"{SynthDG.Article(name)} {name}"
                : $"{SynthDG.Article(image.Colour)} {image.Colour} {name}";
        });
        return (pixels, captions);
    }

    /// <summary>
    /// Builds the model with torch's global generator seeded from <paramref name="seed"/> and puts the generator's
    /// previous state back afterwards, so the initial weights (and the statistics <see cref="Reinitialize"/> reads from
    /// them) are the same in every process without changing the caller's random stream. Without this, pretraining with
    /// the same budget gave different teachers from run to run.
    /// </summary>
    private static ClipModel NewModel(ClipConfig config, long seed)
    {
        using var saved = torch.get_rng_state();
        torch.manual_seed(seed);
        try
        {
            return new ClipModel(config);
        }
        finally
        {
            torch.set_rng_state(saved);
        }
    }

    /// <summary>
    /// Redraws every non-constant parameter from a private generator with the mean and standard deviation that
    /// <see cref="ClipModel"/>'s own (seeded, <see cref="NewModel"/>) initialisation gave it, so pretraining is
    /// reproducible from <paramref name="seed"/> without touching torch's global random state. Constant tensors (LayerNorm gains,
    /// zero biases, the logit scale) stay as initialised. The token embedding gets std 0.5 instead of CLIP's 0.02:
    /// with 0.02 the words barely move the pooled text state at first and the tiny model's contrastive loss sat at
    /// ln B for dozens of steps in our runs.
    /// </summary>
    private static void Reinitialize(ClipModel model, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        using var _ = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.numel() < 2) continue;
            using var scope = torch.NewDisposeScope();
            double mean = p.mean().item<float>(), std = p.std().item<float>();
            if (!(std > 1e-12)) continue;
            if (name == "token_embedding.weight") std = TokenEmbeddingStd;
            p.copy_(torch.randn(p.shape, dtype: p.dtype, generator: generator).Times(std).Plus(mean));
        }
    }

    private static string WithArticles(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\ba (?=[aeiou])", "an ");

    private static Tensor Resize(Tensor images, int resolution)
    {
        long h = images.shape[2], w = images.shape[3];
        if (h == resolution && w == resolution) return images.alias();
        if (h % resolution == 0 && w % resolution == 0) return nn.functional.avg_pool2d(images, [h / resolution, w / resolution]);
        return nn.functional.interpolate(images, [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    // ------------------------------------------------------------------------------------------ cache

    private static string CacheKey(SynthDGOptions data, EmbeddedTeacherBudget budget, ClipConfig config, EmbeddedVocabulary vocabulary)
    {
        var text = string.Join("\n",
            Format, $"seed={data.Seed}", $"size={data.ImageSize}", config.ToString(), $"vocab={config.VocabSize}",
            $"heads={config.EffectiveVisionHeads}", $"ctx={vocabulary.ContextLength}", string.Join(" ", vocabulary.Words),
            $"steps={budget.Steps}", $"batch={budget.BatchSize}", $"lr={budget.LearningRate:R}", $"wd={budget.WeightDecay:R}",
            $"bseed={budget.Seed}", $"tokstd={TokenEmbeddingStd}", $"captions={CaptionFull}/{CaptionNoColour}/rest", "batches=two-domains", $"start={PretrainingIndexStart}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    private static EmbeddedTeacher? TryLoad(string metadata, string weights, string key, EmbeddedTeacherBudget budget, IReadOnlyList<string>? templates)
    {
        Metadata meta;
        try
        {
            meta = ReadMetadata(metadata);
        }
        catch (InvalidDataException)
        {
            return null;                          // a damaged cache entry is retrained and overwritten
        }
        if (meta.Key != key) return null;
        var teacher = FromMetadata(meta with { Budget = budget }, metadata, weights, templates);
        return teacher;
    }

    private static Metadata ReadMetadata(string path)
    {
        Metadata? meta;
        try
        {
            meta = JsonSerializer.Deserialize<Metadata>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The embedded teacher metadata '{path}' is not valid JSON: {e.Message}", e);
        }
        if (meta is null || meta.Format != Format || meta.Words is null || meta.Budget is null || meta.Key is null)
            throw new InvalidDataException($"'{path}' is not embedded teacher metadata of format '{Format}'; delete it to retrain.");
        return meta;
    }

    private static EmbeddedTeacher FromMetadata(Metadata meta, string metadataPath, string weights, IReadOnlyList<string>? templates)
    {
        if (!File.Exists(weights)) throw new FileNotFoundException($"The embedded teacher weights '{weights}' (next to '{metadataPath}') do not exist.", weights);
        var vocabulary = new EmbeddedVocabulary(meta.Words, meta.ContextLength);
        var config = CreateConfig(vocabulary);
        if (config.ToString() != meta.Config)
            throw new InvalidDataException($"'{metadataPath}' describes the model '{meta.Config}' but this version builds '{config}'; delete the cache entry to retrain.");
        var model = new ClipModel(config);
        try
        {
            var stateDict = StateDictFile.Read(weights);
            try
            {
                StateDictLoader.Load(model, stateDict, weights, "embedded SynthDG teacher", "Delete the cache entry to retrain.");
            }
            finally
            {
                foreach (var t in stateDict.Values) t.Dispose();
            }
            var info = new EmbeddedTeacherInfo(meta.Key, true, meta.Budget, meta.GeneratorSeed, meta.ImageSize, meta.TrainingSeconds,
                                               meta.InitialLoss, meta.FinalLoss, weights);
            return new EmbeddedTeacher(model, vocabulary, info, templates);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private sealed record Metadata(string Format, string Key, string Config, IReadOnlyList<string> Words, int ContextLength,
                                   EmbeddedTeacherBudget Budget, long GeneratorSeed, int ImageSize, IReadOnlyList<int> PretrainingDomains,
                                   int PretrainingIndexStart, string CaptionMix, double TrainingSeconds, double InitialLoss, double FinalLoss)
    {
        public static Metadata From(EmbeddedTeacherInfo info, ClipConfig config, EmbeddedVocabulary vocabulary) =>
            new(EmbeddedTeacher.Format, info.CacheKey, config.ToString(), vocabulary.Words, vocabulary.ContextLength, info.Budget,
                info.GeneratorSeed, info.ImageSize, SynthDG.AllDomains.Select(d => (int)d).ToArray(), EmbeddedTeacher.PretrainingIndexStart,
                "two domains per batch (2·step and 2·step+1 mod 7); full caption 25%, without colour 60%, '{a} [colour] {class}' 15%", info.TrainingSeconds, info.InitialLoss, info.FinalLoss);
    }
}
