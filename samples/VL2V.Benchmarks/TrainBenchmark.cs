using VL2V.Distillation;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Data;
using VL2V.Distillation.Losses;
using VL2V.Distillation.Students;
using VL2V.Distillation.Teachers;

namespace VL2V.Benchmarks;

/// <summary>
/// Issue 5: training steps/s of the trainer's step loop for a ResNet-18 student (embedding 512, random weights) at
/// 224 px, with an online CLIP ViT-B/16 teacher (random weights) and with a <see cref="CachingTeacher"/> whose cache
/// already holds every row the timed steps ask for. No Python counterpart (the comparison is online vs cached).
/// </summary>
/// <remarks>
/// One timed repetition = <c>StepsPerRepetition</c> steps, each exactly the body of <c>DistillationTrainer</c>'s step
/// loop: <c>BatchLoader.Next()</c> (DomainBedAugmentation, 1 view per sample, loader seed 0),
/// <c>TeacherCacheKey.ForBatch</c> + <c>teacher.Encode</c> under <c>no_grad</c>, student forward, ADiP loss
/// (λ 0.5), <c>loss.Total.ToDouble()</c> (the trainer's finiteness check), zero_grad, backward, Adam (lr 5e-5) over
/// backbone and head (the shape of the single-stage ADiP step; ADiP's stage 2 trains the backbone only). Building the
/// loader over the repetition's batch plans is inside the timed region. Every repetition replays the same batch plans
/// (same samples, same views, same keys), so the cached run hits the cache on every step.
/// Not timed: model construction, the class-text encoding, filling the cache (an untimed pass of the same batches).
/// </remarks>
public static class TrainBenchmark
{
    /// <summary>The default vocabulary for the class prompts.</summary>
    public const string DefaultVocabulary = "/work/shared/clip/bpe_simple_vocab_16e6.txt.gz";

    private static readonly string[] PacsClasses = ["dog", "elephant", "giraffe", "guitar", "horse", "house", "person"];
    private static readonly string[] PacsDomains = ["art_painting", "cartoon", "photo", "sketch"];

    /// <summary>Runs the benchmark and prints its table.</summary>
    /// <param name="options">The command line; <see cref="BenchOptions.Batch"/> is B, images per source domain.</param>
    public static void Run(BenchOptions options)
    {
        int perDomain = options.Batch ?? (options.Quick ? 2 : 4);
        int stepsPerRep = options.Quick ? 1 : 2;
        int imagesPerDomain = options.Quick ? 6 : 12;
        string vocabulary = options.Vocabulary ?? DefaultVocabulary;
        if (!File.Exists(vocabulary))
            throw new IOException($"The CLIP vocabulary '{vocabulary}' does not exist; pass --vocab FILE (bpe_simple_vocab_16e6.txt.gz).");

        var dataset = Dataset(imagesPerDomain);
        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "sketch");
        var sampler = new DomainBalancedSampler(split, perDomain, seed: 0, viewsPerSample: 1);
        int w = options.Warmup, r = options.Repetitions;
        // One plan list per repetition (warm-up included), replayed identically by both teachers.
        var plans = sampler.Batches().Take(stepsPerRep).ToList();
        int batch = sampler.BatchSize;
        Console.WriteLine($"work: ResNet-18 student (embedding 512, random weights), 224 px, batch {split.TrainDomains.Count} " +
            $"source domains × {perDomain} = {batch} images, {stepsPerRep} step(s) per repetition, ADiP loss, Adam; " +
            $"dataset: {dataset.DomainSizes.Count} generated domains × {imagesPerDomain} images, 227 px, sketch held out");

        torch.manual_seed(0);
        var tokenizer = ClipTokenizer.FromOpenAIVocabulary(vocabulary);
        var clip = new ClipTeacher(new ClipModel(ClipPresets.VitB16), tokenizer, PacsClasses);
        string folder = Path.Combine(Path.GetTempPath(), "vl2v-bench-train-" + Guid.NewGuid().ToString("N"));
        var rows = new List<Measurement>();
        try
        {
            using (var student = Student.ResNet18(embeddingDim: 512))
            {
                rows.Add(Steps($"online teacher (ClipTeacher ViT-B/16 encodes every batch), batch {batch}", clip, student, dataset, plans, w, r));
            }
            // The caching teacher owns the ClipTeacher from here on.
            using var caching = new CachingTeacher(clip, TeacherEmbeddingCache.Open(folder, "bench-train-random-vitb16", clip.EmbeddingDim));
            RunSteps(caching, student: null, dataset, plans);   // fill: every key of the plans, untimed
            caching.Cache.Flush();                               // serve from shard files, as a prebuilt cache does
            int filled = caching.Cache.Count;
            using (var student = Student.ResNet18(embeddingDim: 512))
            {
                rows.Add(Steps($"cached teacher (CachingTeacher, every key a hit), batch {batch}", caching, student, dataset, plans, w, r));
            }
            if (caching.Cache.Count != filled)
                throw new InvalidOperationException($"The cached run added {caching.Cache.Count - filled} rows: some steps were not cache hits.");
            Console.WriteLine($"cache: {filled} rows, {caching.Cache.ShardFiles} shard file(s); no row added during the timed steps");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        ResultTable.Print($"train: TorchSharp, ResNet-18 student step with a ViT-B/16 teacher, torch threads {torch.get_num_threads()}", rows);
        double ratio = rows[1].BestRate / rows[0].BestRate;
        Console.WriteLine();
        Console.WriteLine($"cached / online steps/s (best / best): {ratio:F1}x");
        Console.WriteLine("teacher forwards of a full PACS leave-one-out ADiP run (docs/teacher-cache.md): 3 840 768 online, " +
            "63 960 with a cache of K = 8 views (×60), 7 995 with K = 1 (×480)");
    }

    private static Measurement Steps(string name, ITeacher teacher, Student student, InMemoryDataset dataset,
        IReadOnlyList<IReadOnlyList<SampleRef>> plans, int warmup, int reps)
    {
        var optimizer = torch.optim.Adam(student.parameters(), lr: 5e-5, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        try
        {
            return Stopwatches.Measure(name, "step", plans.Count, warmup, reps, () => RunSteps(teacher, (student, optimizer), dataset, plans));
        }
        finally
        {
            optimizer.Dispose();
        }
    }

    // The trainer's step body (DistillationTrainer.RunStage) over the plans; without a student only the teacher runs.
    private static void RunSteps(ITeacher teacher, (Student Model, torch.optim.Optimizer Optimizer)? student, InMemoryDataset dataset,
        IReadOnlyList<IReadOnlyList<SampleRef>> plans)
    {
        var loss = new AdipLoss(0.5);
        var augmentation = new DomainBedAugmentation(new AugmentationOptions { Size = 224 });
        using var loader = new BatchLoader(dataset, augmentation, plans, new BatchLoaderOptions { Seed = 0 });
        for (int step = 0; step < plans.Count; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = loader.Next() ?? throw new InvalidOperationException("The loader ran out of batches.");
            var keys = TeacherCacheKey.ForBatch(batch, dataset.DomainSizes, 0).Select(k => k.ToString()).ToList();
            TeacherEmbeddings targets;
            using (torch.no_grad()) targets = teacher.Encode(batch.Images, keys);
            if (student is not { } s) continue;
            s.Model.train();
            var output = s.Model.call(batch.Images);
            var result = loss.Compute(output, targets, batch.Labels);
            if (!double.IsFinite(result.Total.ToDouble())) throw new InvalidOperationException($"The loss is not finite at step {step}.");
            s.Optimizer.zero_grad();
            result.Total.backward();
            s.Optimizer.step();
        }
    }

    // PACS-shaped: 4 domains, 7 classes, random 227×227 uint8 images (distinct, so every key is distinct).
    private static InMemoryDataset Dataset(int perDomain)
    {
        var generator = new torch.Generator(0);
        var domains = new List<InMemoryDomain>();
        try
        {
            foreach (var name in PacsDomains)
            {
                var images = torch.randint(0, 256, [perDomain, 3, 227, 227], dtype: ScalarType.Byte, generator: generator);
                var labels = torch.arange(perDomain, dtype: ScalarType.Int64) % PacsClasses.Length;
                domains.Add(new InMemoryDomain(name, images, labels));
            }
            return new InMemoryDataset(PacsClasses, domains);
        }
        finally
        {
            foreach (var d in domains)
            {
                d.Images.Dispose();
                d.Labels.Dispose();
            }
        }
    }
}
