using System.Globalization;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// Fills a <see cref="TeacherEmbeddingCache"/> ahead of training: loads the listed (sample, view) items, skips those
/// already cached, and encodes the rest with the teacher in batches. Several processes (or machines sharing a folder)
/// fill one cache together by each taking one part of the items.
/// </summary>
/// <remarks>
/// <para>Partition: an item <c>(domain, index, view)</c> belongs to part <c>h mod ShardCount</c>, with <c>h</c> a fixed
/// 64-bit mix of the three numbers, so every process computes the same partition from the same item list, in any order.
/// Part <c>i</c> writes only files named <c>part{i}of{n}-*.safetensors</c>.</para>
/// <para>Resuming: completed shard files survive an interruption; running the same build again encodes only what is
/// missing. When Build stops with an exception or cancellation, the rows computed since the last shard file are written
/// first; a killed process loses them (at most <see cref="TeacherCacheOptions.ShardRows"/> − 1 rows). Stale temporary files of this part are deleted at the start.</para>
/// </remarks>
public static class TeacherCacheBuilder
{
    /// <summary>Encodes the missing items of this process's part and adds them to the cache.</summary>
    /// <param name="cache">The cache to fill; its D must equal the teacher's.</param>
    /// <param name="teacher">The frozen teacher; called under <c>no_grad</c> with the key strings of its images.</param>
    /// <param name="dataset">The dataset the items index.</param>
    /// <param name="transform">The transform the trainer uses (<see cref="DomainBedAugmentation"/> with the same options, or
    /// <see cref="EvaluationTransform"/>); its settings must be covered by the cache's fingerprint.</param>
    /// <param name="items">The items, e.g. from <see cref="TeacherCacheItems"/>; duplicates are ignored.</param>
    /// <param name="options">Part, batching and augmentation seed, or null for the defaults (one part, no augmentation).</param>
    /// <param name="progress">Receives the counts after every batch.</param>
    /// <param name="cancellationToken">Stops after the current batch, writing the rows computed so far.</param>
    /// <returns>The final counts.</returns>
    /// <exception cref="ArgumentException">The options are invalid or the teacher's D differs from the cache's.</exception>
    /// <exception cref="InvalidDataException">An image cannot be read; the message names the file.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static TeacherCacheBuildProgress Build(TeacherEmbeddingCache cache, ITeacher teacher, IDomainDataset dataset, ImageTransform transform,
        IEnumerable<SampleRef> items, TeacherCacheBuildOptions? options = null, IProgress<TeacherCacheBuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(items);
        options ??= new TeacherCacheBuildOptions();
        options.Validate();
        if (teacher.EmbeddingDim != cache.EmbeddingDim)
        {
            throw new ArgumentException(
                $"The teacher's embeddings have D = {teacher.EmbeddingDim} but the cache '{cache.Folder}' holds D = {cache.EmbeddingDim}; " +
                "open a cache for this teacher (its own folder and fingerprint).", nameof(teacher));
        }
        long? seed = options.AugmentationSeed;
        var part = items
            .Select(r => seed is null ? r with { View = 0 } : r)
            .Distinct()
            .Where(r => PartOf(r, options.ShardCount) == options.ShardIndex)
            .OrderBy(r => r.Domain).ThenBy(r => r.Index).ThenBy(r => r.View)
            .ToList();

        cache.Flush();
        string previousTag = cache.WriterTag;
        cache.WriterTag = string.Create(CultureInfo.InvariantCulture, $"part{options.ShardIndex:D3}of{options.ShardCount:D3}");
        foreach (var stale in Directory.EnumerateFiles(cache.Folder, cache.WriterTag + "-*.tmp")) File.Delete(stale);
        cache.Refresh();

        var counts = new TeacherCacheBuildProgress(0, part.Count, 0, 0, 0, 0);
        bool classTextSaved = false;
        try
        {
            var plan = part.Chunk(options.BatchSize).Select(c => (IReadOnlyList<SampleRef>)c);
            var loaderOptions = new BatchLoaderOptions { Workers = options.Workers, Seed = seed ?? 0 };
            using var loader = new BatchLoader(dataset, transform, plan, loaderOptions, cancellationToken);
            while (loader.Next() is { } batch)
            {
                using var owned = batch;
                using var scope = torch.NewDisposeScope();
                var keys = TeacherCacheKey.KeysOf(batch, dataset.DomainSizes, seed);
                var missing = new List<int>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < keys.Length; i++)
                {
                    if (!cache.Contains(keys[i]) && seen.Add(keys[i].ContentAddress)) missing.Add(i);
                }
                int shardsBefore = cache.ShardFiles;
                if (missing.Count > 0)
                {
                    var images = batch.Images.index_select(0, torch.tensor(missing.Select(i => (long)i).ToArray()));
                    if (options.Device is { } device) images = images.to(device);
                    TeacherEmbeddings embeddings;
                    using (torch.no_grad())
                    {
                        embeddings = teacher.Encode(images, missing.Select(i => keys[i].ToString()).ToList());
                    }
                    if (!classTextSaved)
                    {
                        ClassTextFile.Write(cache, teacher.ClassNames, embeddings.ClassText, embeddings.LogitScale);
                        classTextSaved = true;
                    }
                    cache.Add(missing.Select(i => keys[i]).ToList(), embeddings.Image);
                }
                counts = counts with
                {
                    Processed = counts.Processed + batch.Count,
                    Computed = counts.Computed + missing.Count,
                    AlreadyCached = counts.AlreadyCached + batch.Count - missing.Count,
                    TeacherCalls = counts.TeacherCalls + (missing.Count > 0 ? 1 : 0),
                    ShardFilesWritten = counts.ShardFilesWritten + cache.ShardFiles - shardsBefore,
                };
                progress?.Report(counts);
            }
            int before = cache.ShardFiles;
            cache.Flush();
            return counts with { ShardFilesWritten = counts.ShardFilesWritten + cache.ShardFiles - before };
        }
        catch (Exception)
        {
            FlushQuietly(cache); // keep the rows computed so far; the original exception is the one to report
            throw;
        }
        finally
        {
            cache.WriterTag = previousTag;
        }
    }

    private static void FlushQuietly(TeacherEmbeddingCache cache)
    {
        try
        {
            cache.Flush();
        }
        catch (IOException)
        {
            // The rows stay pending in the cache; its Dispose tries again.
        }
    }

    /// <summary>The part an item belongs to: a SplitMix64-style mix of (domain, index, view), modulo the part count.</summary>
    internal static int PartOf(SampleRef item, int parts)
    {
        ulong h = Mix((ulong)item.Domain + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)item.Index);
        h = Mix(h ^ (ulong)item.View);
        return (int)(h % (ulong)parts);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
