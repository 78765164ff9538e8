using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Clip;

/// <summary>
/// A frozen CLIP model as the distillation teacher: unit-norm image embeddings of each batch and the class text
/// embeddings (CLIP's zero-shot classifier, PAPER.md §2.3) computed once.
/// </summary>
/// <remarks>
/// <para>Frozen: the model is put in eval mode, every parameter gets <c>requires_grad = false</c>, and all encoding runs
/// under <c>no_grad</c>. The teacher owns its <see cref="ClipModel"/> and its class text tensor and disposes both.</para>
/// <para>Class text: for each class, every template is filled with the class name (used as given: apply
/// <see cref="PromptTemplates.ClassNameFromFolder"/> to folder names first), tokenized, encoded, L2-normalised; the
/// template embeddings are averaged and the mean is L2-normalised again (CLIP's zero-shot recipe). The logit scale
/// is kept separately (<see cref="LogitScale"/>), so <see cref="TeacherEmbeddings.ClassText"/> has unit rows rather
/// than the official code's ×100 rows (harmless for cosine losses, PAPER.md §2.9.2).</para>
/// <para>Images: see <see cref="ClipTeacherOptions.InputNormalization"/> and <see cref="ClipTeacherOptions.ResizeToModelResolution"/>.
/// Not thread-safe: call <see cref="Encode"/> from one thread at a time.</para>
/// </remarks>
public sealed class ClipTeacher : ITeacher
{
    private readonly ClipModel _model;
    private readonly Tensor _classText;   // [C, D] float32, unit rows
    private string? _fingerprint;
    private bool _disposed;

    /// <summary>Wraps a loaded CLIP model and builds the class text embeddings.</summary>
    /// <param name="model">The CLIP model; the teacher takes ownership (freezes and disposes it).</param>
    /// <param name="tokenizer">The tokenizer for the prompts; its context length must equal the model's. Use truncation for long class names.</param>
    /// <param name="classNames">The class names in label order, as they go into the templates (e.g. <c>alarm clock</c>).</param>
    /// <param name="options">Normalisation, resizing and templates; null for the defaults.</param>
    /// <exception cref="ArgumentException">No or blank class names, invalid options, or a tokenizer whose context length differs from the model's.</exception>
    public ClipTeacher(ClipModel model, ClipTokenizer tokenizer, IReadOnlyList<string> classNames, ClipTeacherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(classNames);
        options ??= new ClipTeacherOptions();
        options.Validate();
        if (tokenizer.Options.ContextLength != model.Config.ContextLength)
        {
            throw new ArgumentException(
                $"The tokenizer writes rows of {tokenizer.Options.ContextLength} tokens but the CLIP model takes {model.Config.ContextLength}; " +
                $"create the tokenizer with ClipTokenizerOptions.ContextLength = {model.Config.ContextLength}.", nameof(tokenizer));
        }
        var prompts = PromptTemplates.Format(classNames, options.Templates);

        _model = model;
        Options = options;
        ClassNames = [.. classNames];
        _model.eval();
        foreach (var parameter in _model.parameters()) parameter.requires_grad = false;
        _classText = BuildClassText(prompts, tokenizer);
        LogitScale = _model.LogitScale;
    }

    /// <summary>The frozen CLIP model. Read from it (e.g. <c>ClipStudents.FromModel</c> copies its image tower); do not train it or switch it to training mode.</summary>
    public ClipModel Model
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _model;
        }
    }

    /// <summary>The options the teacher was built with.</summary>
    public ClipTeacherOptions Options { get; }

    /// <inheritdoc />
    public long EmbeddingDim => _model.Config.EmbedDim;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The model's temperature <c>exp(logit_scale)</c> (≈ 100 for OpenAI CLIP).</summary>
    public double LogitScale { get; }

    /// <summary>The side R of the square images the model takes.</summary>
    public int ImageResolution => _model.Config.ImageResolution;

    /// <summary>The class text embeddings <c>[C, D]</c> float32 on the model's device, unit rows; owned by the teacher (do not dispose).</summary>
    public Tensor ClassText
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _classText;
        }
    }

    /// <summary>
    /// A SHA-256 hex string identifying everything that determines <see cref="Encode"/>'s output: every state-dict
    /// tensor (name, dtype, shape, bytes, in ordinal name order), the configuration, the parameter dtype, the input
    /// normalisation and its statistics, the resize policy, the templates and the class names. Not included: the
    /// device (CPU and GPU results differ by rounding only). Computed on first use (it reads every weight once).
    /// </summary>
    public string Fingerprint
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _fingerprint ??= ComputeFingerprint();
        }
    }

    /// <summary>Loads a CLIP weight file and the vocabulary named in <paramref name="options"/> and builds the teacher.</summary>
    /// <param name="weightsPath">Any weight file <see cref="ClipCheckpoint.Load"/> reads (OpenAI TorchScript <c>.pt</c>, state-dict <c>.pt</c>/<c>.safetensors</c>, Hugging Face <c>model.safetensors</c>).</param>
    /// <param name="classNames">The class names in label order.</param>
    /// <param name="options">Must set <see cref="ClipTeacherOptions.VocabularyPath"/>; <see cref="ClipTeacherOptions.Config"/> and <see cref="ClipTeacherOptions.Checkpoint"/> are passed to the loader. Prompts are truncated to the context length.</param>
    /// <returns>The frozen teacher.</returns>
    /// <exception cref="ArgumentException">No vocabulary path, or invalid options or class names.</exception>
    /// <exception cref="FileNotFoundException">The weights or the vocabulary do not exist.</exception>
    /// <exception cref="InvalidDataException">A file cannot be read.</exception>
    /// <exception cref="VL2V.Distillation.Checkpoints.CheckpointMismatchException">The weights do not fit the configuration.</exception>
    public static ClipTeacher Load(string weightsPath, IReadOnlyList<string> classNames, ClipTeacherOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.VocabularyPath is null)
        {
            throw new ArgumentException(
                "ClipTeacherOptions.VocabularyPath is required by ClipTeacher.Load: set it to openai's bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json (nothing is downloaded).",
                nameof(options));
        }
        var model = ClipCheckpoint.Load(weightsPath, options.Config, options.Checkpoint);
        try
        {
            var tokenizer = ClipTokenizerFiles.Open(options.VocabularyPath,
                new ClipTokenizerOptions { ContextLength = model.Config.ContextLength, Truncate = true });
            return new ClipTeacher(model, tokenizer, classNames, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Encodes a batch of images with the frozen image tower.</summary>
    /// <param name="images">
    /// Images <c>[B, 3, H, W]</c> float32, normalised like the student's input (ImageNet mean/std by default; see
    /// <see cref="ClipTeacherOptions.InputNormalization"/>), <c>H = W = </c><see cref="ImageResolution"/> unless
    /// <see cref="ClipTeacherOptions.ResizeToModelResolution"/> is set. Moved to the model's device and dtype.
    /// </param>
    /// <param name="sampleKeys">Ignored (this teacher computes from pixels); when given it must have <c>B</c> entries.</param>
    /// <returns>Unit-norm image embeddings <c>[B, D]</c> float32 on the model's device (caller's dispose scope) and the shared class text <c>[C, D]</c>.</returns>
    /// <exception cref="ArgumentException">Wrong rank, channel count, dtype or size, or a key count that differs from <c>B</c>.</exception>
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorChecks.Rank(images, 4, nameof(images), $"[B, 3, {ImageResolution}, {ImageResolution}]");
        TensorChecks.FloatingPoint(images, nameof(images));
        if (images.shape[1] != 3)
        {
            throw new ArgumentException($"Tensor 'images' has shape {TensorChecks.Shape(images)} but must have 3 (RGB) channels.", nameof(images));
        }
        if (sampleKeys is not null && sampleKeys.Count != images.shape[0])
        {
            throw new ArgumentException($"{sampleKeys.Count} sample keys were given for a batch of {images.shape[0]} images; give one per image or none.", nameof(sampleKeys));
        }
        bool resize = images.shape[2] != ImageResolution || images.shape[3] != ImageResolution;
        if (resize && !Options.ResizeToModelResolution)
        {
            throw new ArgumentException(
                $"Tensor 'images' has shape {TensorChecks.Shape(images)} but the CLIP teacher takes {ImageResolution}×{ImageResolution} images. " +
                $"Produce {ImageResolution}-pixel images (e.g. AugmentationOptions.Size = {ImageResolution}) or set ClipTeacherOptions.ResizeToModelResolution.",
                nameof(images));
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = _classText.device;
        var x = images.to(ScalarType.Float32, device);
        if (Options.InputNormalization == TeacherInputNormalization.ClipStatistics)
        {
            x = (x * Channels(Options.InputStd, device)).Plus(Channels(Options.InputMean, device));          // back to 0–1
            x = (x - Channels(ClipPreprocessOptions.OpenAIMean, device)) / Channels(ClipPreprocessOptions.OpenAIStd, device);
        }
        if (resize)
        {
            x = nn.functional.interpolate(x, size: [ImageResolution, ImageResolution], mode: InterpolationMode.Bicubic,
                                          align_corners: false, antialias: true);
        }
        var embedding = _model.EncodeImage(x).to_type(ScalarType.Float32);
        var normalized = nn.functional.normalize(embedding, p: 2, dim: -1);
        return new TeacherEmbeddings(normalized.MoveToOuterDisposeScope(), _classText, LogitScale);
    }

    /// <summary>Disposes the model and the class text embeddings.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _classText.Dispose();
        _model.Dispose();
    }

    private Tensor BuildClassText(IReadOnlyList<IReadOnlyList<string>> prompts, ClipTokenizer tokenizer)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int templates = prompts[0].Count;
        var flat = prompts.SelectMany(p => p).ToList();
        var parts = new List<Tensor>();
        for (int start = 0; start < flat.Count; start += Options.TextBatchSize)
        {
            var chunk = flat.GetRange(start, Math.Min(Options.TextBatchSize, flat.Count - start));
            var rows = tokenizer.Encode(chunk);
            var ids = torch.tensor(rows.SelectMany(r => r).Select(i => (long)i).ToArray(), [chunk.Count, rows[0].Length], ScalarType.Int64);
            var text = _model.EncodeText(ids).to_type(ScalarType.Float32);
            parts.Add(nn.functional.normalize(text, p: 2, dim: -1));
        }
        var all = torch.cat(parts, dim: 0).reshape(prompts.Count, templates, -1);   // [C, T, D]
        var classText = nn.functional.normalize(all.mean([1]), p: 2, dim: -1);       // [C, D]
        return classText.contiguous().MoveToOuterDisposeScope();
    }

    private static Tensor Channels(IReadOnlyList<float> values, Device device) =>
        torch.tensor(values.ToArray(), device: device).reshape(1, 3, 1, 1);

    private string ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }
        var c = _model.Config;
        Text("vl2v-clip-teacher/1");
        Text(string.Create(CultureInfo.InvariantCulture,
            $"embed={c.EmbedDim};res={c.ImageResolution};vlayers={string.Join(",", c.VisionLayers)};vwidth={c.VisionWidth};" +
            $"patch={c.VisionPatchSize};vheads={c.EffectiveVisionHeads};ctx={c.ContextLength};vocab={c.VocabSize};" +
            $"twidth={c.TransformerWidth};theads={c.TransformerHeads};tlayers={c.TransformerLayers};act={c.Activation};dtype={_model.DType}"));
        Text($"normalization={Options.InputNormalization}");
        if (Options.InputNormalization == TeacherInputNormalization.ClipStatistics)
        {
            Text(string.Join(",", Options.InputMean.Concat(Options.InputStd).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        Text($"resize={Options.ResizeToModelResolution}");
        Text($"templates={Options.Templates.Count}");
        foreach (var template in Options.Templates) Text(template);
        Text($"classes={ClassNames.Count}");
        foreach (var name in ClassNames) Text(name);

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in _model.state_dict().OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Text(name);
            Text($"{tensor.dtype}[{string.Join(",", tensor.shape)}]");
            using var scope = torch.NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
