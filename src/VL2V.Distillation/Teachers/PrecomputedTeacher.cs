using System.Globalization;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// The paper's black-box setting: a teacher that only serves embeddings computed elsewhere, from a
/// <see cref="TeacherEmbeddingCache"/> folder or from one safetensors file (<c>image_embeds</c> [N, D] with N keys,
/// <c>class_text</c> [C, D] with C class names; layout in docs/teacher-cache.md). It never sees pixels.
/// </summary>
/// <remarks>
/// <para>Lookup of a sample key <c>path@sha256[#seed:sample:view]</c>: first the exact view (<c>sha256#seed:sample:view</c>);
/// for an un-augmented key, or an augmented one when <c>serveUnaugmentedForViews</c> is set, then <c>sha256</c> and the
/// plain <c>path</c>. A key string that is not a <see cref="TeacherCacheKey"/> is looked up as it is. Serving the
/// un-augmented embedding for augmented student inputs departs from the paper's recipe (the teacher sees the same
/// augmented tensor as the student); use it only when the vendor cannot embed the augmented views.</para>
/// <para>Not thread-safe. Disposing releases the embeddings and closes the cache.</para>
/// </remarks>
public sealed class PrecomputedTeacher : ITeacher
{
    private readonly TeacherEmbeddingCache? _cache;
    private readonly Dictionary<string, long>? _rows;
    private readonly Tensor? _imageEmbeds;
    private readonly Tensor _classText;
    private readonly double _logitScale;
    private readonly bool _serveUnaugmented;
    private readonly string _source;
    private bool _disposed;

    private PrecomputedTeacher(TeacherEmbeddingCache? cache, Dictionary<string, long>? rows, Tensor? imageEmbeds,
        IReadOnlyList<string> classNames, Tensor classText, double logitScale, bool serveUnaugmented, string source)
    {
        _cache = cache;
        _rows = rows;
        _imageEmbeds = imageEmbeds;
        ClassNames = classNames;
        _classText = classText;
        _logitScale = logitScale;
        _serveUnaugmented = serveUnaugmented;
        _source = source;
    }

    /// <inheritdoc />
    public long EmbeddingDim => _classText.shape[1];

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Serves the embeddings of a cache folder built with <see cref="TeacherCacheBuilder"/> (or filled by a <see cref="CachingTeacher"/>).</summary>
    /// <param name="folder">The cache folder; its <c>class_text.safetensors</c> gives the class text.</param>
    /// <param name="serveUnaugmentedForViews">Serve the un-augmented embedding when an augmented view is not cached.</param>
    /// <param name="options">Checking options for the shards, or null for the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">The folder is not a cache.</exception>
    /// <exception cref="FileNotFoundException">The cache has no class text file.</exception>
    /// <exception cref="InvalidDataException">A file of the cache is corrupt; the message names it.</exception>
    public static PrecomputedTeacher FromCache(string folder, bool serveUnaugmentedForViews = false, TeacherCacheOptions? options = null)
    {
        var cache = TeacherEmbeddingCache.OpenExisting(folder, options);
        try
        {
            var (names, classText, scale) = ClassTextFile.Read(cache);
            return new PrecomputedTeacher(cache, null, null, names, classText, scale, serveUnaugmentedForViews, $"the cache '{folder}'");
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>Serves the embeddings of one file (docs/teacher-cache.md, "black-box file").</summary>
    /// <param name="path">A safetensors file with <c>image_embeds</c> [N, D], <c>class_text</c> [C, D] (F32 or F16), and
    /// <c>__metadata__</c> entries <c>keys</c> (JSON array of N strings), <c>class_names</c> (JSON array of C strings)
    /// and optionally <c>logit_scale</c> (default 100).</param>
    /// <param name="serveUnaugmentedForViews">Serve an image's embedding for its augmented views too.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file does not follow the layout; the message names it and the problem.</exception>
    public static PrecomputedTeacher FromFile(string path, bool serveUnaugmentedForViews = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The teacher embedding file '{path}' does not exist.", path);
        const string fix = "See docs/teacher-cache.md for the layout (PrecomputedTeacher.WriteFile writes it).";
        var file = EmbeddingFile.Open(path, verifyData: true, fix);
        if (file.Image is null || file.ClassText is null)
        {
            throw new InvalidDataException(
                $"Teacher embedding file '{path}' is invalid: it needs both '{EmbeddingFile.ImageTensor}' [N, D] and '{EmbeddingFile.ClassTensor}' [C, D]. {fix}");
        }
        double scale = ClassTextFile.ParseLogitScale(file);
        var rows = new Dictionary<string, long>(file.Keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < file.Keys.Count; i++) rows.Add(file.Keys[i], i);
        var image = file.ReadFloat32(file.Image);
        var classText = file.ReadFloat32(file.ClassText);
        return new PrecomputedTeacher(null, rows, image, file.ClassNames, classText, scale, serveUnaugmentedForViews, $"the file '{path}'");
    }

    /// <summary>Writes a black-box embedding file that <see cref="FromFile"/> reads (atomically).</summary>
    /// <param name="path">The new file; it must not exist.</param>
    /// <param name="keys">The N image keys: <c>sha256</c>, <c>sha256#seed:sample:view</c> or a dataset-relative path.</param>
    /// <param name="imageEmbeds">Image embeddings <c>[N, D]</c> float32 or float16, unit norm per row.</param>
    /// <param name="classNames">The C class names in label order.</param>
    /// <param name="classText">Class text embeddings <c>[C, D]</c> float32 or float16, unit norm per row.</param>
    /// <param name="logitScale">The exponentiated logit scale (100 for OpenAI CLIP).</param>
    /// <exception cref="ArgumentException">The shapes and counts do not agree.</exception>
    /// <exception cref="IOException">The file already exists.</exception>
    public static void WriteFile(string path, IReadOnlyList<string> keys, Tensor imageEmbeds, IReadOnlyList<string> classNames, Tensor classText,
        double logitScale = 100.0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(classNames);
        _ = new TeacherEmbeddings(imageEmbeds, classText, logitScale); // checks ranks, dtypes, equal D and the scale
        if (imageEmbeds.shape[0] != keys.Count || classText.shape[0] != classNames.Count)
        {
            throw new ArgumentException(
                $"{keys.Count} keys for image_embeds {TensorChecks.Shape(imageEmbeds)} and {classNames.Count} class names for class_text " +
                $"{TensorChecks.Shape(classText)}: every row needs exactly one key or name.", nameof(keys));
        }
        var metadata = new Dictionary<string, string>
        {
            ["format"] = EmbeddingFile.Format,
            [EmbeddingFile.KeysEntry] = EmbeddingFile.JsonArray(keys),
            [EmbeddingFile.ClassNamesEntry] = EmbeddingFile.JsonArray(classNames),
            [EmbeddingFile.LogitScaleEntry] = logitScale.ToString("R", CultureInfo.InvariantCulture),
        };
        if (!SafetensorsWriter.TryWriteNew(path, [(EmbeddingFile.ImageTensor, imageEmbeds), (EmbeddingFile.ClassTensor, classText)], metadata))
            throw new IOException($"The file '{path}' already exists; choose a new path or delete it first.");
    }

    /// <summary>Looks the images up by their keys; the pixels are not used.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c>; only B and the device are used.</param>
    /// <param name="sampleKeys">B key strings (<see cref="TeacherCacheKey.ForBatch"/>); required.</param>
    /// <returns>Image embeddings <c>[B, D]</c> float32 on the images' device, and the class text <c>[C, D]</c>.</returns>
    /// <exception cref="ArgumentException">The keys are missing or their count differs from B.</exception>
    /// <exception cref="KeyNotFoundException">A key has no embedding; the message names it and how to add it.</exception>
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorChecks.Rank(images, 4, nameof(images), "[B, 3, H, W]");
        if (sampleKeys is null || sampleKeys.Count != images.shape[0])
        {
            throw new ArgumentException(
                $"A precomputed teacher looks embeddings up by sample key, so it needs one key per image: got {sampleKeys?.Count.ToString(CultureInfo.InvariantCulture) ?? "none"} " +
                $"for {images.shape[0]} images. Pass TeacherCacheKey.ForBatch(batch, dataset.DomainSizes, seed).", nameof(sampleKeys));
        }
        var found = sampleKeys.Select(Resolve).ToList();
        Tensor rows;
        if (_cache is not null)
        {
            rows = _cache.ReadAddresses(found, sampleKeys);
        }
        else
        {
            using var index = torch.tensor(found.Select(k => _rows![k]).ToArray());
            rows = _imageEmbeds!.index_select(0, index);
        }
        if (rows.device != images.device)
        {
            using var cpu = rows;
            rows = cpu.to(images.device);
        }
        return new TeacherEmbeddings(rows, _classText, _logitScale);
    }

    /// <summary>Releases the embeddings and closes the cache.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _imageEmbeds?.Dispose();
        _classText.Dispose();
        _cache?.Dispose();
    }

    private string Resolve(string sampleKey)
    {
        var candidates = new List<string>(3);
        if (TeacherCacheKey.TryParse(sampleKey, out var key))
        {
            candidates.Add(key.ContentAddress);
            if (key.View is null || _serveUnaugmented)
            {
                candidates.Add(key.Sample.Sha256);
                if (key.Sample.Path.Length > 0) candidates.Add(key.Sample.Path);
            }
        }
        else
        {
            candidates.Add(sampleKey);
        }
        candidates = candidates.Distinct(StringComparer.Ordinal).ToList();
        foreach (var candidate in candidates)
        {
            if (_cache?.ContainsAddress(candidate) ?? _rows!.ContainsKey(candidate)) return candidate;
        }
        string hint = key.View is not null && !_serveUnaugmented
            ? " It is an augmented view: cache that view, or set serveUnaugmentedForViews to serve the un-augmented embedding (a departure from the paper's recipe)."
            : "";
        throw new KeyNotFoundException(
            $"The precomputed teacher has no embedding for sample key '{sampleKey}' (looked up: {string.Join(", ", candidates.Select(c => $"'{c}'"))}) in {_source}. " +
            "Build the embeddings for these samples and views with TeacherCacheBuilder.Build (docs/teacher-cache.md), or add the image to the file." + hint);
    }
}
