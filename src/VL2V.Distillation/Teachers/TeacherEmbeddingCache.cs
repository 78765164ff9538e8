using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// An on-disk cache of a frozen teacher's image embeddings, addressed by <see cref="TeacherCacheKey.ContentAddress"/>
/// (image content hash and augmented view) within one folder per teacher fingerprint. Rows live in large
/// safetensors shard files; the key index of every shard is loaded into memory when the cache opens.
/// </summary>
/// <remarks>
/// <para>Layout, atomicity and sharding across machines: docs/teacher-cache.md. A shard file is written to a temporary
/// name and renamed, so it is either complete or absent; temporary files of an interrupted writer are ignored.
/// Added rows are buffered in memory until <see cref="TeacherCacheOptions.ShardRows"/> are pending, then written as
/// one shard; <see cref="Flush"/> and <see cref="Dispose"/> write the rest.</para>
/// <para>Not thread-safe: use an instance from one thread at a time. Several processes may share a folder: each writes
/// its own shard files, and <see cref="Refresh"/> picks up the shards that others wrote since opening. A key present
/// in several shards is served from the first shard in file-name order.</para>
/// </remarks>
public sealed class TeacherEmbeddingCache : IDisposable
{
    private const string ShardExtension = ".safetensors";
    private const string CorruptFix = "Delete this file and run TeacherCacheBuilder.Build again to recompute its rows, " +
        "or open the cache with TeacherCacheOptions.OnCorruptShard = Drop to skip it.";

    private readonly TeacherCacheOptions _options;
    private readonly Dictionary<string, (int Shard, long Row)> _index = new(StringComparer.Ordinal);
    private readonly List<EmbeddingFile> _shards = [];
    private readonly List<SafeFileHandle?> _handles = [];
    private readonly HashSet<string> _knownFiles = new(StringComparer.Ordinal);
    private readonly List<string> _dropped = [];
    private readonly List<string> _pendingKeys = [];
    private readonly List<float> _pendingRows = [];
    private readonly Dictionary<string, int> _pendingIndex = new(StringComparer.Ordinal);
    private bool _disposed;

    private TeacherEmbeddingCache(string folder, CacheManifest manifest, TeacherCacheOptions options)
    {
        Folder = folder;
        Fingerprint = manifest.Fingerprint;
        EmbeddingDim = manifest.EmbeddingDim;
        DType = manifest.ScalarType;
        _options = options;
        WriterTag = "online-" + Guid.NewGuid().ToString("N")[..8];
        Refresh();
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The teacher fingerprint every row was computed with (from the manifest).</summary>
    public string Fingerprint { get; }

    /// <summary>The embedding size D of every row.</summary>
    public long EmbeddingDim { get; }

    /// <summary>The stored dtype (Float32 or Float16); rows are always returned as float32.</summary>
    public ScalarType DType { get; }

    /// <summary>The number of distinct keys available: those in shard files plus those still buffered.</summary>
    public int Count => _index.Count + _pendingKeys.Count;

    /// <summary>The number of shard files in use.</summary>
    public int ShardFiles => _shards.Count;

    /// <summary>The rows added but not yet written to a shard file.</summary>
    public int PendingCount => _pendingKeys.Count;

    /// <summary>Why each skipped shard file was skipped (only with <see cref="CorruptShardPolicy.Drop"/>); one message per file, naming it.</summary>
    public IReadOnlyList<string> DroppedShards => _dropped;

    /// <summary>Whether <see cref="TeacherCacheOptions.VerifyData"/> is on.</summary>
    internal bool VerifyData => _options.VerifyData;

    /// <summary>The prefix of the shard files this instance writes; each writer (process or builder shard) needs its own.</summary>
    internal string WriterTag { get; set; }

    /// <summary>Opens the cache in a folder, creating the folder and its manifest when absent.</summary>
    /// <param name="folder">The cache folder; use one folder per teacher fingerprint.</param>
    /// <param name="fingerprint">Identifies everything but the image and view that changes the embeddings: teacher weights,
    /// teacher preprocessing and normalisation, augmentation settings (e.g. a hash of the weight file plus the options' text).</param>
    /// <param name="embeddingDim">The teacher's embedding size D.</param>
    /// <param name="options">Storage and checking options, or null for the defaults.</param>
    /// <exception cref="ArgumentException">The fingerprint, D or options are invalid, or the folder holds a cache of another fingerprint, D or dtype.</exception>
    /// <exception cref="InvalidDataException">The manifest or a shard is corrupt (with <see cref="CorruptShardPolicy.Throw"/>); the message names the file.</exception>
    public static TeacherEmbeddingCache Open(string folder, string fingerprint, long embeddingDim, TeacherCacheOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        if (fingerprint.Length > 512 || fingerprint.Any(char.IsControl))
            throw new ArgumentException("The teacher fingerprint must be at most 512 characters without control characters; pass a hash.", nameof(fingerprint));
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 1);
        options ??= new TeacherCacheOptions();
        options.Validate();
        Directory.CreateDirectory(folder);
        var wanted = new CacheManifest(CacheManifest.CacheFormat, CacheManifest.CurrentVersion, fingerprint, embeddingDim,
            SafetensorsReader.DTypeName(options.DType ?? ScalarType.Float32));
        var manifest = CacheManifest.CreateOrRead(folder, wanted);
        var problems = new List<string>();
        if (manifest.Fingerprint != fingerprint)
            problems.Add($"it was built for teacher fingerprint '{manifest.Fingerprint}' but '{fingerprint}' was requested");
        if (manifest.EmbeddingDim != embeddingDim)
            problems.Add($"its embeddings have D = {manifest.EmbeddingDim} but D = {embeddingDim} was requested");
        if (options.DType is { } dtype && manifest.ScalarType != dtype)
            problems.Add($"it stores {manifest.DType} but DType = {dtype} was requested (set DType to null to use the stored one)");
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"The teacher cache in '{folder}' does not match: {string.Join("; ", problems)}. " +
                "Use a separate folder per teacher fingerprint (e.g. Path.Combine(root, fingerprint)), or delete the folder to rebuild it.",
                nameof(folder));
        }
        return new TeacherEmbeddingCache(folder, manifest, options);
    }

    /// <summary>Opens an existing cache with the fingerprint, D and dtype of its manifest (e.g. for <see cref="PrecomputedTeacher"/>).</summary>
    /// <param name="folder">The cache folder.</param>
    /// <param name="options">Checking options, or null for the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">The folder has no manifest.</exception>
    /// <exception cref="InvalidDataException">The manifest or a shard is corrupt (with <see cref="CorruptShardPolicy.Throw"/>); the message names the file.</exception>
    public static TeacherEmbeddingCache OpenExisting(string folder, TeacherCacheOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new TeacherCacheOptions();
        options.Validate();
        var manifest = (Directory.Exists(folder) ? CacheManifest.TryRead(folder) : null) ?? throw new DirectoryNotFoundException(
            $"'{folder}' is not a teacher cache: it has no {CacheManifest.FileName}. Build the cache with TeacherCacheBuilder.Build first.");
        return Open(folder, manifest.Fingerprint, manifest.EmbeddingDim, options with { DType = null });
    }

    /// <summary>Whether the cache holds the embedding of a key.</summary>
    /// <param name="key">The image and view.</param>
    public bool Contains(TeacherCacheKey key) => ContainsAddress(key.ContentAddress);

    /// <summary>The positions of the keys whose embeddings are not cached.</summary>
    /// <param name="keys">The images and views of a batch.</param>
    /// <returns>Indices into <paramref name="keys"/>, ascending.</returns>
    public IReadOnlyList<int> Missing(IReadOnlyList<TeacherCacheKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var missing = new List<int>();
        for (int i = 0; i < keys.Count; i++)
        {
            if (!Contains(keys[i])) missing.Add(i);
        }
        return missing;
    }

    /// <summary>Reads the cached embeddings of a batch.</summary>
    /// <param name="keys">The images and views, B entries.</param>
    /// <returns>Embeddings <c>[B, D]</c> float32 on the CPU, in key order.</returns>
    /// <exception cref="KeyNotFoundException">A key is not cached; the message names it.</exception>
    public Tensor Read(IReadOnlyList<TeacherCacheKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return ReadAddresses(keys.Select(k => k.ContentAddress).ToList(), keys.Select(k => k.ToString()).ToList());
    }

    /// <summary>Adds embeddings; keys already cached keep their first row. Writes a shard file whenever <see cref="TeacherCacheOptions.ShardRows"/> rows are pending.</summary>
    /// <param name="keys">The images and views, N entries.</param>
    /// <param name="rows">Embeddings <c>[N, D]</c> float32 (or another float dtype), unit norm per row.</param>
    /// <exception cref="ArgumentException">The row count or D does not match.</exception>
    public void Add(IReadOnlyList<TeacherCacheKey> keys, Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(rows);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rows.dim() != 2 || rows.shape[0] != keys.Count || rows.shape[1] != EmbeddingDim || !rows.is_floating_point())
        {
            throw new ArgumentException(
                $"Rows [{string.Join(", ", rows.shape)}] {rows.dtype} do not fit {keys.Count} keys of a cache with D = {EmbeddingDim}; " +
                $"expected [{keys.Count}, {EmbeddingDim}] float32.", nameof(rows));
        }
        using var cpu = rows.detach().to(ScalarType.Float32).cpu().contiguous();
        var values = cpu.data<float>().ToArray();
        int d = (int)EmbeddingDim;
        for (int i = 0; i < keys.Count; i++)
        {
            string address = keys[i].ContentAddress;
            if (ContainsAddress(address)) continue;
            _pendingIndex.Add(address, _pendingKeys.Count);
            _pendingKeys.Add(address);
            _pendingRows.AddRange(new ArraySegment<float>(values, i * d, d));
            if (_pendingKeys.Count >= _options.ShardRows) Flush();
        }
    }

    /// <summary>Writes the pending rows as one shard file (atomically); does nothing when none are pending.</summary>
    /// <exception cref="IOException">The file could not be written; the rows stay pending.</exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pendingKeys.Count == 0) return;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = EmbeddingFile.Format,
            [EmbeddingFile.FingerprintEntry] = Fingerprint,
            [EmbeddingFile.KeysEntry] = EmbeddingFile.JsonArray(_pendingKeys),
        };
        using var rows = torch.tensor(_pendingRows.ToArray(), [_pendingKeys.Count, EmbeddingDim]);
        using var stored = rows.to_type(DType);
        int seq = NextSequence();
        string path;
        while (!SafetensorsWriter.TryWriteNew(path = ShardPath(seq), [(EmbeddingFile.ImageTensor, stored)], metadata)) seq++;
        _pendingKeys.Clear();
        _pendingRows.Clear();
        _pendingIndex.Clear();
        AddShard(path);
    }

    /// <summary>Loads the shard files written to the folder (by other processes) since the cache was opened.</summary>
    /// <returns>The number of shard files added.</returns>
    public int Refresh()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int added = 0;
        var files = Directory.EnumerateFiles(Folder, "*" + ShardExtension)
            .Where(f => f.EndsWith(ShardExtension, StringComparison.Ordinal) && Path.GetFileName(f) != ClassTextFile.FileName)
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!_knownFiles.Contains(file) && AddShard(file)) added++;
        }
        return added;
    }

    /// <summary>Writes the pending rows (see <see cref="Flush"/>) and closes the shard files.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            Flush();
        }
        finally
        {
            _disposed = true;
            foreach (var h in _handles) h?.Dispose();
        }
    }

    internal bool ContainsAddress(string address) => _index.ContainsKey(address) || _pendingIndex.ContainsKey(address);

    /// <summary>Reads rows by content address; <paramref name="names"/> are the keys as the caller knows them (for errors).</summary>
    internal Tensor ReadAddresses(IReadOnlyList<string> addresses, IReadOnlyList<string> names)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int d = (int)EmbeddingDim;
        var result = new float[addresses.Count * d];
        var raw = new byte[d * (int)SafetensorsReader.ItemSize(DType)];
        for (int i = 0; i < addresses.Count; i++)
        {
            var destination = result.AsSpan(i * d, d);
            if (_pendingIndex.TryGetValue(addresses[i], out int pending))
            {
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pendingRows).Slice(pending * d, d).CopyTo(destination);
            }
            else if (_index.TryGetValue(addresses[i], out var at))
            {
                _shards[at.Shard].ReadRow(Handle(at.Shard), at.Row, raw);
                if (DType == ScalarType.Float16)
                {
                    var halves = MemoryMarshal.Cast<byte, Half>(raw);
                    for (int j = 0; j < d; j++) destination[j] = (float)halves[j];
                }
                else
                {
                    MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                }
            }
            else
            {
                throw new KeyNotFoundException(
                    $"The teacher cache '{Folder}' has no embedding for sample key '{names[i]}' (content address '{addresses[i]}'). " +
                    "Build it with TeacherCacheBuilder.Build for these samples and views (see docs/teacher-cache.md), " +
                    "or wrap the teacher in a CachingTeacher to compute and add missing rows.");
            }
        }
        var rows = torch.tensor(result, [addresses.Count, EmbeddingDim]);
        if (DType != ScalarType.Float16) return rows;
        // Pending rows are rounded like stored ones, so a row reads the same before and after its shard is written.
        using (rows)
        using (var half = rows.to_type(ScalarType.Float16))
        using (var back = half.to_type(ScalarType.Float32))
        {
            return nn.functional.normalize(back, dim: 1);
        }
    }

    private SafeFileHandle Handle(int shard) =>
        _handles[shard] ??= File.OpenHandle(_shards[shard].FilePath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);

    private bool AddShard(string path)
    {
        _knownFiles.Add(path);
        EmbeddingFile shard;
        try
        {
            shard = EmbeddingFile.Open(path, _options.VerifyData, CorruptFix);
            string? problem =
                shard.Image is null ? $"it has no '{EmbeddingFile.ImageTensor}' tensor"
                : shard.Image.DType != DType ? $"it stores {shard.Image.DType} but the manifest says {DType}"
                : shard.Image.Shape[1] != EmbeddingDim ? $"its rows have D = {shard.Image.Shape[1]} but the manifest says D = {EmbeddingDim}"
                : shard.Metadata(EmbeddingFile.FingerprintEntry) != Fingerprint
                    ? $"it was computed for fingerprint '{shard.Metadata(EmbeddingFile.FingerprintEntry)}', not the manifest's '{Fingerprint}'"
                : null;
            if (problem is not null) throw new InvalidDataException($"Teacher embedding file '{path}' is invalid: {problem}. {CorruptFix}");
        }
        catch (InvalidDataException e) when (_options.OnCorruptShard == CorruptShardPolicy.Drop)
        {
            _dropped.Add(e.Message);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false; // deleted between listing and opening (e.g. by a user cleaning up); nothing to serve
        }
        int index = _shards.Count;
        _shards.Add(shard);
        _handles.Add(null);
        for (int row = 0; row < shard.Keys.Count; row++)
        {
            _index.TryAdd(shard.Keys[row], (index, row));
        }
        return true;
    }

    private string ShardPath(int seq) =>
        Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{WriterTag}-{seq:D5}{ShardExtension}"));

    private int NextSequence()
    {
        int next = 0;
        string prefix = WriterTag + "-";
        foreach (var file in Directory.EnumerateFiles(Folder, prefix + "*"))
        {
            string name = Path.GetFileName(file);
            int end = name.IndexOf('.', StringComparison.Ordinal);
            if (end > prefix.Length && int.TryParse(name.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int seq))
                next = Math.Max(next, seq + 1);
        }
        return next;
    }
}
