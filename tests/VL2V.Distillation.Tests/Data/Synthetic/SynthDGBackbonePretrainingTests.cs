using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Data.Synthetic;
using VL2V.Distillation.Students;
using VL2V.Distillation.Tests.Checkpoints;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Tests.Data.Synthetic;

/// <summary>The embedded benchmark's "ImageNet" backbone: learns, is cached, is reproducible, loads into a student.</summary>
public sealed class SynthDGBackbonePretrainingTests
{
    private static readonly SynthDGOptions Data = new() { Seed = 3, ImageSize = 32 };

    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<double> Losses { get; } = [];

        public void Report(TrainingProgress value) => Losses.Add(value.Loss);
    }

    [Fact]
    public void Pretraining_LowersTheLoss_WritesWeightsThatLoadIntoASmallCnn_AndIsReusedFromTheCache()
    {
        using var temp = new TempFolder();
        var recorder = new Recorder();
        var path = SynthDGBackbonePretraining.GetOrTrain(temp.Path, Data, width: 8, steps: 60, batchSize: 32, progress: recorder);
        recorder.Losses.Should().HaveCount(6, "a report every 10 steps");
        recorder.Losses[^1].Should().BeLessThan(recorder.Losses[0] - 0.1, "supervised training on photos must lower the cross-entropy");

        using var student = Student.SmallCnn(embeddingDim: 16, numClasses: null, width: 8, weights: path);
        var file = StateDictFile.Read(path);
        foreach (var (name, value) in student.Backbone.state_dict())
        {
            value.equal(file[name]).all().item<bool>().Should().BeTrue($"{name} must be the pretrained value");
        }
        foreach (var tensor in file.Values) tensor.Dispose();

        var written = File.GetLastWriteTimeUtc(path);
        var again = new Recorder();
        SynthDGBackbonePretraining.GetOrTrain(temp.Path, Data, width: 8, steps: 60, batchSize: 32, progress: again).Should().Be(path);
        again.Losses.Should().BeEmpty("the cached weights are reused, not retrained");
        File.GetLastWriteTimeUtc(path).Should().Be(written);
    }

    [Fact]
    public void Pretraining_IsReproducible_AndLeavesTheGlobalRandomStreamAlone()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        torch.manual_seed(5);
        using var expected = torch.rand(4);
        torch.manual_seed(5);
        var a = SynthDGBackbonePretraining.GetOrTrain(first.Path, Data, width: 4, steps: 8, batchSize: 8);
        using var next = torch.rand(4);
        next.equal(expected).all().item<bool>().Should().BeTrue("pretraining must not consume or reseed the caller's random stream");
        torch.manual_seed(77);
        var b = SynthDGBackbonePretraining.GetOrTrain(second.Path, Data, width: 4, steps: 8, batchSize: 8);
        Path.GetFileName(a).Should().Be(Path.GetFileName(b), "the file name is a key of the arguments");
        File.ReadAllBytes(a).Should().Equal(File.ReadAllBytes(b), "the same arguments must give the same weights");
    }

    [Theory]
    [InlineData(0, 10, 8, 1e-3, "width")]
    [InlineData(4, 0, 8, 1e-3, "steps")]
    [InlineData(4, 10, 1, 1e-3, "batchSize")]
    [InlineData(4, 10, 8, 0.0, "learningRate")]
    public void BadArguments_AreRejectedByName(int width, int steps, int batch, double lr, string parameter)
    {
        using var temp = new TempFolder();
        var act = () => SynthDGBackbonePretraining.GetOrTrain(temp.Path, Data, width, steps, batch, lr);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
        Directory.EnumerateFiles(temp.Path).Should().BeEmpty("nothing is written for bad arguments");
    }
}
