using VL2V.Distillation.Data;
using VL2V.Distillation.Data.Synthetic;
using VL2V.Distillation.Students;
using Xunit.Abstractions;

namespace VL2V.Distillation.Tests.Data.Synthetic;

/// <summary>
/// The domains are a real distribution shift: a small CNN trained on three source domains classifies fresh images of
/// those domains much better than images of an unseen fourth domain.
/// </summary>
public sealed class SynthDGDomainShiftTests(ITestOutputHelper output)
{
    private const int Size = 32, TrainPerDomain = 400, TestPerDomain = 200, Steps = 120, Batch = 64;

    [Fact]
    public void SmallCnn_TrainedOnPhotoCartoonPainting_LosesClearlyOnSketch()
    {
        SynthDomain[] sources = [SynthDomain.Photo, SynthDomain.Cartoon, SynthDomain.Painting];
        var all = SynthDG.Create(new SynthDGOptions
        {
            Seed = 1,
            ImageSize = Size,
            SamplesPerDomain = TrainPerDomain + TestPerDomain,
            Domains = [.. sources, SynthDomain.Sketch],
        });
        var data = all.Dataset;

        torch.manual_seed(0);
        using var student = Student.SmallCnn(embeddingDim: null, numClasses: 10, width: 16);
        using var optimizer = torch.optim.Adam(student.parameters(), lr: 3e-3);
        var rng = new Random(0);
        student.train();
        for (int step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var picks = Enumerable.Range(0, Batch).Select(_ => (Domain: rng.Next(sources.Length), Index: rng.Next(TrainPerDomain))).ToList();
            var (images, labels) = Stack(data, picks);
            var loss = nn.functional.cross_entropy(student.call(images).Logits!, labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        student.eval();
        var heldOut = Enumerable.Range(0, sources.Length).Select(d => Accuracy(student, data, d)).ToList();
        double target = Accuracy(student, data, 3);
        double source = heldOut.Average();
        output.WriteLine($"held-out source accuracy: {string.Join(", ", sources.Zip(heldOut, (s, a) => $"{s} {a:F3}"))} (mean {source:F3}); sketch (unseen) {target:F3}; chance 0.100");

        source.Should().BeGreaterThan(0.3, "the CNN must learn the classes on its source domains for the comparison to mean anything");
        target.Should().BeLessThan(source - 0.15, "an unseen domain must cost clearly more than fresh images of seen domains");
    }

    private static double Accuracy(Student student, IDomainDataset data, int domain)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var picks = Enumerable.Range(TrainPerDomain, TestPerDomain).Select(i => (domain, i)).ToList();
        var (images, labels) = Stack(data, picks);
        var predicted = student.call(images).Logits!.argmax(1);
        return predicted.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
    }

    private static (Tensor Images, Tensor Labels) Stack(IDomainDataset data, IReadOnlyList<(int Domain, int Index)> picks)
    {
        var samples = picks.Select(p => data.Load(p.Domain, p.Index)).ToList();
        var images = torch.stack(samples.Select(s => s.Image.ToTensor())).to_type(ScalarType.Float32) / 255f - 0.5f;
        var labels = torch.tensor(samples.Select(s => s.Label).ToArray(), ScalarType.Int64);
        return (images, labels);
    }
}
