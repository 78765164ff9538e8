using SkiaSharp;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

/// <summary>The data layer end to end: folder → split → balanced training batches and ordered evaluation batches.</summary>
public sealed class DataPipelineTests
{
    [Fact]
    public void ImageFolder_LeaveOneOut_TrainsOnSourcesAndEvaluatesTheTarget()
    {
        using var folder = new TempImageFolder();
        string[] domains = ["art", "photo", "sketch"];
        for (int d = 0; d < 3; d++)
        {
            for (int i = 0; i < 5; i++)
            {
                folder.Add($"{domains[d]}/cat/{i}.png", 20 + i, 16, seed: d * 10 + i);
                folder.Add($"{domains[d]}/dog/{i}.jpg", 18, 24 - i, seed: d * 10 + i + 5, format: SKEncodedImageFormat.Jpeg);
            }
        }
        var dataset = ImageFolderDataset.Open(folder.Root);
        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "photo");
        var sampler = new DomainBalancedSampler(split, batchPerDomain: 4, seed: 1);

        using (var train = new BatchLoader(dataset, new DomainBedAugmentation(new AugmentationOptions { Size = 12 }), sampler.Batches(),
            new BatchLoaderOptions { Workers = 2, Seed = 3 }))
        {
            for (int step = 0; step < 3; step++)
            {
                using var batch = train.Next()!;
                batch.Images.shape.Should().Equal(8, 3, 12, 12);
                batch.Domains.data<long>().ToArray().Should().Equal(0L, 0, 0, 0, 2, 2, 2, 2);
                batch.Labels.data<long>().ToArray().Should().Equal(batch.Samples.Select(s => dataset.GetLabel(s.Domain, s.Index)));
            }
        }

        var target = split.TestDomains.Single();
        using var eval = new BatchLoader(dataset, new EvaluationTransform(12), EvaluationBatches.Create(target, SplitPart.In, 5));
        var keys = eval.ReadAll().SelectMany(b => { using (b) return b.Keys; }).ToList();
        keys.Should().HaveCount(8, "10 photo images minus floor(10 · 0.2) held out");
        keys.Should().OnlyContain(k => k.Path.StartsWith("photo/"));
    }
}
