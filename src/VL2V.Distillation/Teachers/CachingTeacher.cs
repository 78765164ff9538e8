using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// A teacher that serves image embeddings from a <see cref="TeacherEmbeddingCache"/> and asks the inner teacher only
/// for the images the cache lacks (adding them to the cache: online fill). Class text embeddings come from the inner teacher.
/// </summary>
/// <remarks>
/// <para>Sample keys are required for caching: pass <see cref="TeacherCacheKey.ForBatch"/> of the batch. Without keys
/// (<c>sampleKeys</c> null) every call goes to the inner teacher and nothing is cached.</para>
/// <para>Every returned image row is read back from the cache, so a row is the same whether it was cached before the
/// call or computed during it: with a Float32 cache, bit-identical to the inner teacher's output when the row was
/// computed. (A real network can differ from itself in the last bits between batch compositions; the cache freezes
/// the first result.) The first time every image of a batch is cached, the inner teacher encodes one image to obtain its
/// class text, and that row is compared with the cached one: a cosine below 0.99 means the cache belongs to another
/// teacher or preprocessing and throws.</para>
/// <para>Owns the inner teacher and the cache: disposing this disposes both (the cache writes its pending rows).
/// Not thread-safe, like <see cref="ITeacher"/>.</para>
/// </remarks>
public sealed class CachingTeacher : ITeacher
{
    private const double ConsistencyThreshold = 0.99;
    private readonly ITeacher _inner;
    private readonly TeacherEmbeddingCache _cache;
    private Tensor? _classText;
    private double _logitScale;
    private bool _disposed;

    /// <summary>Wraps a teacher with a cache.</summary>
    /// <param name="inner">The teacher that computes embeddings; owned.</param>
    /// <param name="cache">The cache of this teacher's embeddings (opened with its fingerprint); owned.</param>
    /// <exception cref="ArgumentException">The teacher's and the cache's embedding sizes differ.</exception>
    public CachingTeacher(ITeacher inner, TeacherEmbeddingCache cache)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(cache);
        if (inner.EmbeddingDim != cache.EmbeddingDim)
        {
            throw new ArgumentException(
                $"The teacher's embeddings have D = {inner.EmbeddingDim} but the cache '{cache.Folder}' holds D = {cache.EmbeddingDim}; " +
                "open a cache for this teacher (its own folder and fingerprint).", nameof(cache));
        }
        _inner = inner;
        _cache = cache;
    }

    /// <inheritdoc />
    public long EmbeddingDim => _inner.EmbeddingDim;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    /// <summary>The cache rows are served from and added to.</summary>
    public TeacherEmbeddingCache Cache => _cache;

    /// <summary>Encodes a batch, computing only the images whose keys are not cached.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32, as the inner teacher expects them.</param>
    /// <param name="sampleKeys">B key strings (<see cref="TeacherCacheKey.ForBatch"/>), or null to bypass the cache.</param>
    /// <returns>Image embeddings <c>[B, D]</c> float32 on the images' device, and the inner teacher's class text <c>[C, D]</c>.</returns>
    /// <exception cref="ArgumentException">The key count differs from B, or a key is not a <see cref="TeacherCacheKey"/> string.</exception>
    public TeacherEmbeddings Encode(Tensor images, IReadOnlyList<string>? sampleKeys = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorChecks.Rank(images, 4, nameof(images), "[B, 3, H, W]");
        if (sampleKeys is null) return _inner.Encode(images);
        var keys = ParseKeys(images, sampleKeys);

        using var scope = torch.NewDisposeScope();
        var missing = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            if (!_cache.Contains(keys[i]) && seen.Add(keys[i].ContentAddress)) missing.Add(i);
        }
        if (missing.Count > 0)
        {
            var computed = Inner(images, missing, sampleKeys);
            _cache.Add(missing.Select(i => keys[i]).ToList(), computed);
        }
        else if (_classText is null && keys.Length > 0)
        {
            // Everything is cached, but the class text must come from the inner teacher: encode one image and check it.
            var fresh = Inner(images, [0], sampleKeys);
            using var cached = _cache.Read([keys[0]]);
            double cosine = nn.functional.cosine_similarity(fresh.cpu().to_type(ScalarType.Float32), cached, dim: 1).item<float>();
            if (!(cosine >= ConsistencyThreshold))
            {
                throw new InvalidOperationException(
                    $"The teacher cache '{_cache.Folder}' does not match the teacher: the cached embedding of '{sampleKeys[0]}' has cosine " +
                    $"{cosine:F4} with the teacher's own (expected ≥ {ConsistencyThreshold}). The fingerprint '{_cache.Fingerprint}' must change " +
                    "whenever the weights, preprocessing or augmentation settings change; use a new cache folder.");
            }
        }
        var rows = _cache.Read(keys).to(images.device).MoveToOuterDisposeScope();
        if (_classText is null)
            throw new InvalidOperationException("An empty batch cannot provide the teacher's class text; encode at least one image first.");
        return new TeacherEmbeddings(rows, _classText, _logitScale);
    }

    /// <summary>Disposes the inner teacher, the class text copy and the cache (which writes its pending rows).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _cache.Dispose();
        }
        finally
        {
            _classText?.Dispose();
            _inner.Dispose();
        }
    }

    private TeacherCacheKey[] ParseKeys(Tensor images, IReadOnlyList<string> sampleKeys)
    {
        if (sampleKeys.Count != images.shape[0])
        {
            throw new ArgumentException(
                $"{sampleKeys.Count} sample keys were given for {images.shape[0]} images; pass one key per image (TeacherCacheKey.ForBatch).",
                nameof(sampleKeys));
        }
        var keys = new TeacherCacheKey[sampleKeys.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            if (!TeacherCacheKey.TryParse(sampleKeys[i], out keys[i]))
            {
                throw new ArgumentException(
                    $"Sample key {i} ('{sampleKeys[i]}') is not a teacher cache key: expected 'path@sha256' or 'path@sha256#seed:sample:view'. " +
                    "Make the keys with TeacherCacheKey.ForBatch.", nameof(sampleKeys));
            }
        }
        return keys;
    }

    /// <summary>Runs the inner teacher on some images of the batch; keeps a copy of its class text the first time.</summary>
    private Tensor Inner(Tensor images, IReadOnlyList<int> rows, IReadOnlyList<string> sampleKeys)
    {
        var subset = rows.Count == images.shape[0]
            ? images
            : images.index_select(0, torch.tensor(rows.Select(i => (long)i).ToArray(), device: images.device));
        TeacherEmbeddings result;
        using (torch.no_grad())
        {
            result = _inner.Encode(subset, rows.Select(i => sampleKeys[i]).ToList());
        }
        if (_classText is null)
        {
            _classText = result.ClassText.detach().clone().DetachFromDisposeScope();
            _logitScale = result.LogitScale;
            ClassTextFile.Write(_cache, _inner.ClassNames, _classText, _logitScale);
        }
        return result.Image;
    }
}
