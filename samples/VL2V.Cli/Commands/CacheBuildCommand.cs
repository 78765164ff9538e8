using System.CommandLine;
using System.Globalization;
using VL2V.Distillation;
using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v cache build</c>: precomputes the teacher's embedding of every training view (every view 0..K-1 of every
/// in-part image of every domain) into the cache that <c>vl2v distill --cache</c> reads. Resumable; <c>--shard I/N</c>
/// lets N processes or machines fill one cache.
/// </summary>
internal sealed class CacheBuildCommand : ICliCommand
{
    public Command Build(TextWriter output, TextWriter error)
    {
        var o = new DistillOptions();
        var teacherWeights = new Option<string>("--teacher-weights")
        {
            Description = o.TeacherWeights.Description!.Replace(" Required except for --method erm.", "", StringComparison.Ordinal),
            Required = true,
            HelpName = "FILE",
        };
        var cache = new Option<string>("--cache")
        {
            Description = "Cache root; the rows go to DIR/<fingerprint>/ (fingerprint of the teacher and the augmentation), the folder 'vl2v distill --cache DIR' reads.",
            Required = true,
            HelpName = "DIR",
        };
        var views = new Option<int>("--views-per-sample")
        {
            Description = "Augmented views per training image; must equal distill's --views-per-sample (8 when distill runs with --cache).",
            DefaultValueFactory = _ => 8,
            HelpName = "K",
        };
        var shard = new Option<string>("--shard")
        {
            Description = "This process's part I of N (0-based, 0 ≤ I < N): every item belongs to exactly one part, so N processes fill one cache folder together.",
            DefaultValueFactory = _ => "0/1",
            HelpName = "I/N",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images per teacher call.",
            DefaultValueFactory = _ => new TeacherCacheBuildOptions().BatchSize,
            HelpName = "N",
        };
        var command = new Command("build", "Precompute the teacher's embeddings of every training view (resumable, shardable).")
        {
            o.Data, o.Dataset, teacherWeights, o.TeacherConfig, o.Vocab, cache, views, o.ImageSize, shard, batchSize,
            o.AugmentationSeed, o.TrialSeed, o.HoldoutFraction, o.Workers, o.Device,
        };
        command.SetAction(parse => CommandRunner.Run("cache build", error, () =>
        {
            int k = parse.GetValue(views), batch = parse.GetValue(batchSize), imageSize = parse.GetValue(o.ImageSize);
            if (k < 1) throw new CliException($"--views-per-sample must be at least 1, was {k}.");
            if (batch < 1) throw new CliException($"--batch-size must be at least 1, was {batch}.");
            if (imageSize < 8) throw new CliException($"--image-size must be at least 8, was {imageSize}.");
            double holdout = parse.GetValue(o.HoldoutFraction);
            if (!(holdout > 0 && holdout < 1)) throw new CliException($"--holdout-fraction must be in (0, 1), was {holdout.ToString(CultureInfo.InvariantCulture)}.");
            int? workers = parse.GetValue(o.Workers);
            if (workers is < 1) throw new CliException($"--workers must be at least 1, was {workers}.");
            var (index, count) = ParseShard(parse.GetValue(shard)!);
            var device = TeacherSetup.ParseDevice(parse.GetValue(o.Device)!);
            var files = TeacherSetup.CheckFiles(parse.GetValue(teacherWeights)!, parse.GetValue(o.TeacherConfig), parse.GetValue(o.Vocab));
            var dataset = TeacherSetup.OpenData(parse.GetValue(o.Data)!, o.Descriptor(parse));

            using var teacher = TeacherSetup.LoadTeacher(files, dataset.Classes, device, imageSize);
            using var embeddings = TeacherSetup.OpenCache(parse.GetValue(cache)!, teacher, imageSize);
            // Every domain's in-part is the same in every leave-one-out split, so one split lists the views of all runs.
            var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, dataset.Domains[0], holdout, parse.GetValue(o.TrialSeed));
            var items = TeacherCacheItems.AllViews(split.Domains, k);
            var buildOptions = new TeacherCacheBuildOptions
            {
                ShardIndex = index,
                ShardCount = count,
                BatchSize = batch,
                AugmentationSeed = parse.GetValue(o.AugmentationSeed),
                Device = device.type == DeviceType.CPU ? null : device,
            };
            if (workers is int w) buildOptions = buildOptions with { Workers = w };
            output.WriteLine($"cache build: part {index}/{count} of {items.Count} views ({dataset.Report.ImageCount} images, K = {k}) into {embeddings.Folder}");
            var counts = TeacherCacheBuilder.Build(embeddings, teacher, dataset, new DomainBedAugmentation(new AugmentationOptions { Size = imageSize }),
                items, buildOptions, new ProgressLines(output));
            output.WriteLine($"cache build: done, part {index}/{count}: {counts.Total} views, {counts.Computed} computed, {counts.AlreadyCached} already cached, " +
                             $"{counts.ShardFilesWritten} shard file(s) written; the cache holds {embeddings.Count} rows");
            return 0;
        }));
        return new Command("cache", "Teacher embedding cache.") { command };
    }

    /// <summary>Parses <c>I/N</c> (0-based part I of N).</summary>
    internal static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1 && index < count)
        {
            return (index, count);
        }
        throw new CliException($"--shard '{text}' must be I/N with 0 ≤ I < N, e.g. 0/4 … 3/4 for four processes.");
    }

    /// <summary>A progress line at every tenth of the part (and at the end), written synchronously.</summary>
    private sealed class ProgressLines(TextWriter output) : IProgress<TeacherCacheBuildProgress>
    {
        private long _lastTenth = -1;

        public void Report(TeacherCacheBuildProgress value)
        {
            long tenth = value.Total == 0 ? 10 : value.Processed * 10 / value.Total;
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            output.WriteLine($"cache build: {value.Processed}/{value.Total} views ({value.Computed} computed, {value.AlreadyCached} already cached)");
        }
    }
}
