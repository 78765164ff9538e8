using VL2V.Distillation;
using VL2V.Distillation.Data;

namespace VL2V.Benchmarks;

/// <summary>
/// Issue 4: images/s decoded and augmented by the data layer on a PACS-shaped folder of 227×227 JPEGs.
/// Counterpart: <c>python/bench_data.py</c> (torchvision ImageFolder + DataLoader, DomainBed's transforms).
/// </summary>
public static class DataBenchmark
{
    /// <summary>Source domains sampled per training step: PACS leave-one-out (sketch held out).</summary>
    public const string TestDomain = "sketch";

    /// <summary>DomainBed's batch size per source domain.</summary>
    public const int BatchPerDomain = 32;

    /// <summary>DomainBed's evaluation batch size.</summary>
    public const int EvalBatch = 128;

    /// <summary>Runs the benchmark and prints its table.</summary>
    /// <param name="options">The command line.</param>
    public static void Run(BenchOptions options)
    {
        int perClass = options.Quick ? 4 : 30;
        int steps = options.Quick ? 2 : 8;
        string root = options.Folder ?? Path.Combine(Path.GetTempPath(), "vl2v-bench-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            bool written = SyntheticImageFolder.Ensure(root, perClass);
            Console.WriteLine($"folder: {Path.GetFullPath(root)} ({(written ? "written" : "reused")}, " +
                $"{SyntheticImageFolder.Domains.Count}x{SyntheticImageFolder.Classes.Count}x{perClass} JPEGs {SyntheticImageFolder.Side}px)");
            Measure(root, steps, options);
        }
        finally
        {
            if (options.Folder is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static void Measure(string root, int steps, BenchOptions options)
    {
        torch.set_num_threads(1); // per-core figures; libtorch only copies the finished batches into tensors here
        var dataset = ImageFolderDataset.Open(root, new ImageFolderOptions { Validation = ImageValidation.Header });
        var all = Enumerable.Range(0, dataset.Domains.Count)
            .SelectMany(d => Enumerable.Range(0, dataset.DomainSizes[d].Count).Select(i => (Domain: d, Index: i))).ToArray();
        var train = new DomainBedAugmentation();
        var eval = new EvaluationTransform();
        var buffer = new float[3 * 224 * 224];
        int n = all.Length, w = options.Warmup, r = options.Repetitions;
        var rows = new List<Measurement>();

        rows.Add(Stopwatches.Measure("decode (ImageFolderDataset.Load), 1 thread", "img", n, w, r, () =>
        {
            foreach (var (d, i) in all) dataset.Load(d, i);
        }));

        var files = all.Select(s => (Path: dataset.GetPath(s.Domain, s.Index), Bytes: File.ReadAllBytes(dataset.GetPath(s.Domain, s.Index)))).ToArray();
        rows.Add(Stopwatches.Measure("decode only (ImageDecoder.Decode, bytes in memory), 1 thread", "img", n, w, r, () =>
        {
            foreach (var (path, bytes) in files) ImageDecoder.Decode(bytes, path);
        }));

        var decoded = all.Select(s => dataset.Load(s.Domain, s.Index).Image).ToArray();
        long view = 0;
        rows.Add(Stopwatches.Measure("train augmentation only (pre-decoded), 1 thread", "img", n, w, r, () =>
        {
            for (int k = 0; k < decoded.Length; k++) train.Apply(decoded[k], new AugmentationKey(0, k, view++), buffer);
        }));
        rows.Add(Stopwatches.Measure("decode + train augmentation, 1 thread", "img", n, w, r, () =>
        {
            for (int k = 0; k < all.Length; k++)
                train.Apply(dataset.Load(all[k].Domain, all[k].Index).Image, new AugmentationKey(0, k, view++), buffer);
        }));
        rows.Add(Stopwatches.Measure("decode + train augmentation, 2 threads (Parallel.For, no loader)", "img", n, w, r, () =>
        {
            long first = view;
            view += all.Length;
            Parallel.For(0, all.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, () => new float[3 * 224 * 224],
                (k, _, local) =>
                {
                    train.Apply(dataset.Load(all[k].Domain, all[k].Index).Image, new AugmentationKey(0, k, first + k), local);
                    return local;
                },
                _ => { });
        }));
        rows.Add(Stopwatches.Measure("decode + evaluation transform, 1 thread", "img", n, w, r, () =>
        {
            foreach (var (d, i) in all) eval.Apply(dataset.Load(d, i).Image, default, buffer);
        }));

        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, TestDomain);
        var sampler = new DomainBalancedSampler(split, BatchPerDomain, seed: 0);
        long firstStep = 0;
        foreach (int workers in new[] { 1, 2 })
        {
            rows.Add(Stopwatches.Measure($"BatchLoader train, DomainBalancedSampler {steps}x{sampler.BatchSize}, {workers} worker{(workers > 1 ? "s" : "")}",
                "img", steps * sampler.BatchSize, w, r, () =>
                {
                    // Construction and teardown are timed, as the Python DataLoader's worker start-up is.
                    using var loader = new BatchLoader(dataset, train, sampler.Batches(firstStep).Take(steps),
                        new BatchLoaderOptions { Workers = workers });
                    firstStep += steps;
                    while (loader.Next() is { } batch) batch.Dispose();
                }));
        }

        var evalPlan = split.Domains
            .SelectMany(d => EvaluationBatches.Create(d, SplitPart.In, EvalBatch).Concat(EvaluationBatches.Create(d, SplitPart.Out, EvalBatch)))
            .ToList();
        foreach (int workers in new[] { 1, 2 })
        {
            rows.Add(Stopwatches.Measure($"BatchLoader evaluation, {evalPlan.Count} batches ≤{EvalBatch}, {workers} worker{(workers > 1 ? "s" : "")}",
                "img", n, w, r, () =>
                {
                    using var loader = new BatchLoader(dataset, eval, evalPlan, new BatchLoaderOptions { Workers = workers });
                    while (loader.Next() is { } batch) batch.Dispose();
                }));
        }

        ResultTable.Print($"data: TorchSharp/.NET data layer, {n} images, torch threads {torch.get_num_threads()}", rows);
    }
}
