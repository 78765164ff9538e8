using System.Threading.Channels;

namespace VL2V.Distillation.Data;

/// <summary>
/// Loads batches in the background: <see cref="BatchLoaderOptions.Workers"/> tasks decode and transform the images
/// of upcoming batches while the consumer trains, never more than <see cref="BatchLoaderOptions.Prefetch"/> batches
/// ahead, and <see cref="Next"/> returns them in plan order whatever the workers' scheduling.
/// </summary>
/// <remarks>
/// Workers only produce arrays; tensors are made by <see cref="Next"/> on the consumer's thread, so they obey that
/// thread's dispose scopes. A view's randomness is the <see cref="AugmentationKey"/> (seed, the sample's dataset-wide
/// index = the sizes of the domains before it + its index in its domain, the plan's view), so the output does not
/// depend on the number of workers. Dispose stops the workers. Next is not thread-safe: use one consumer.
/// </remarks>
public sealed class BatchLoader : IDisposable
{
    private readonly IDomainDataset _dataset;
    private readonly ImageTransform _transform;
    private readonly long _seed;
    private readonly long[] _offsets;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cts;
    private readonly SemaphoreSlim _slots;
    private readonly Channel<Job> _ordered = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<(Job Job, int Slot)> _work = Channel.CreateUnbounded<(Job, int)>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task _feeder;
    private readonly Task[] _workers;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Starts loading.</summary>
    /// <param name="dataset">The dataset to read.</param>
    /// <param name="transform">The per-image transform (<see cref="DomainBedAugmentation"/> for training, <see cref="EvaluationTransform"/> for evaluation).</param>
    /// <param name="batches">The batches to load, in order (finite or endless, e.g. <see cref="DomainBalancedSampler.Batches"/>).</param>
    /// <param name="options">Workers, prefetch and seed, or null for the defaults.</param>
    /// <param name="cancellationToken">Stops the workers; <see cref="Next"/> then throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public BatchLoader(IDomainDataset dataset, ImageTransform transform, IEnumerable<IReadOnlyList<SampleRef>> batches,
        BatchLoaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(batches);
        options ??= new BatchLoaderOptions();
        options.Validate();

        _dataset = dataset;
        _transform = transform;
        _seed = options.Seed;
        _offsets = new long[dataset.DomainSizes.Count];
        for (int d = 1; d < _offsets.Length; d++) _offsets[d] = _offsets[d - 1] + dataset.DomainSizes[d - 1].Count;
        _callerToken = cancellationToken;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _slots = new SemaphoreSlim(options.Prefetch, options.Prefetch);

        var token = _cts.Token;
        _feeder = Task.Run(() => FeedAsync(batches, token));
        _workers = Enumerable.Range(0, options.Workers).Select(_ => Task.Run(() => WorkAsync(token))).ToArray();
    }

    /// <summary>Waits for the next batch in plan order and makes its tensors on the calling thread.</summary>
    /// <returns>The batch, or null when the plan is exhausted.</returns>
    /// <exception cref="InvalidDataException">An image of the batch could not be read or decoded; the message names the file.
    /// The loader cannot continue after this.</exception>
    /// <exception cref="OperationCanceledException">The cancellation token was cancelled.</exception>
    public DataBatch? Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _callerToken.ThrowIfCancellationRequested();
        if (_failure is not null)
            throw new InvalidOperationException("The loader stopped after an earlier failure; see the inner exception.", _failure);
        Job? job;
        try
        {
            while (!_ordered.Reader.TryRead(out job))
            {
                if (!_ordered.Reader.WaitToReadAsync(_cts.Token).AsTask().GetAwaiter().GetResult())
                    return null;
            }
            job.Done.Task.WaitAsync(_cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_callerToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Loading was cancelled.", _callerToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
            throw;
        }
        _slots.Release();
        return job.ToBatch(_transform.Size);
    }

    /// <summary>Reads batches until the plan is exhausted (endless for an endless plan).</summary>
    public IEnumerable<DataBatch> ReadAll()
    {
        while (Next() is { } batch) yield return batch;
    }

    /// <summary>Stops the workers and waits for them; batches already returned stay valid.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cts.Cancel();
        try
        {
            Task.WaitAll([_feeder, .. _workers]);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
        }
        _cts.Dispose();
        _slots.Dispose();
    }

    private async Task FeedAsync(IEnumerable<IReadOnlyList<SampleRef>> batches, CancellationToken token)
    {
        try
        {
            int perImage = 3 * _transform.Size * _transform.Size;
            foreach (var plan in batches)
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                var job = new Job(plan, perImage);
                _ordered.Writer.TryWrite(job);
                if (plan.Count == 0) job.Done.TrySetResult();
                for (int slot = 0; slot < plan.Count; slot++) _work.Writer.TryWrite((job, slot));
            }
            _ordered.Writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            _ordered.Writer.TryComplete();
        }
        catch (Exception e)
        {
            // A failing plan (e.g. a sampler error) surfaces at the consumer's next call.
            _ordered.Writer.TryComplete(e);
        }
        finally
        {
            _work.Writer.TryComplete();
        }
    }

    private async Task WorkAsync(CancellationToken token)
    {
        try
        {
            while (await _work.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (!token.IsCancellationRequested && _work.Reader.TryRead(out var item))
                    Process(item.Job, item.Slot);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Process(Job job, int slot)
    {
        if (job.Done.Task.IsCompleted) return; // an earlier image of this batch failed
        try
        {
            var plan = job.Plan[slot];
            var sample = _dataset.Load(plan.Domain, plan.Index);
            var key = new AugmentationKey(_seed, _offsets[plan.Domain] + plan.Index, plan.View);
            _transform.Apply(sample.Image, key, job.Pixels.AsSpan(slot * job.PerImage, job.PerImage));
            job.Labels[slot] = sample.Label;
            job.Keys[slot] = sample.Key;
            if (Interlocked.Decrement(ref job.Remaining) == 0) job.Done.TrySetResult();
        }
        catch (Exception e)
        {
            job.Done.TrySetException(e);
        }
    }

    private sealed class Job(IReadOnlyList<SampleRef> plan, int perImage)
    {
        public IReadOnlyList<SampleRef> Plan { get; } = plan.ToArray();
        public int PerImage { get; } = perImage;
        public float[] Pixels { get; } = new float[plan.Count * perImage];
        public long[] Labels { get; } = new long[plan.Count];
        public SampleKey[] Keys { get; } = new SampleKey[plan.Count];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Remaining = plan.Count;

        public DataBatch ToBatch(int size)
        {
            long n = Plan.Count;
            var images = torch.tensor(Pixels, [n, 3, size, size]);
            var labels = torch.tensor(Labels, [n]);
            var domains = torch.tensor(Plan.Select(p => (long)p.Domain).ToArray(), [n]);
            return new DataBatch(images, labels, domains, Keys, Plan);
        }
    }
}
