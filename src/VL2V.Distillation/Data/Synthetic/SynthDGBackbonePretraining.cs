using System.Security.Cryptography;
using System.Text;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Internal;
using VL2V.Distillation.Losses;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

namespace VL2V.Distillation.Data.Synthetic;

/// <summary>
/// The embedded benchmark's stand-in for ImageNet initialisation: a <see cref="SmallCnnBackbone"/> pretrained once with
/// supervised cross-entropy on SynthDG <b>photos</b> of the ten classes, cached as a state-dict file that
/// <see cref="Student.SmallCnn"/> loads.
/// </summary>
/// <remarks>
/// <para>The paper's students start from ImageNet weights: photographs that include the benchmark's classes, so
/// PACS's photo domain is close to the students' pretraining while sketches are far from it. This does the same for
/// SynthDG: an endless stream of fresh photo-style images at indices from <see cref="IndexStart"/> on (datasets use
/// lower indices, the embedded teacher's pretraining <c>1 000 000</c> on), so no benchmark image is ever seen.</para>
/// <para>Reproducible: the weights are a function of the arguments (seeded initialisation with torch's global random
/// state put back afterwards, counter-based images, Adam with held scalars).</para>
/// </remarks>
public static class SynthDGBackbonePretraining
{
    /// <summary>The first SynthDG index of the pretraining stream.</summary>
    public const int IndexStart = 2_000_000;

    private const string Format = "vl2v-synthdg-backbone/1";

    /// <summary>
    /// Returns the cached backbone weights for these arguments, pretraining and writing them first (to a temporary
    /// name, then renamed) when the cache has none.
    /// </summary>
    /// <param name="cacheDirectory">The cache folder (created if needed).</param>
    /// <param name="data">The generator seed and image size (its domains and sample count are ignored).</param>
    /// <param name="width">The small CNN's first-stage width (as <see cref="Student.SmallCnn"/>'s).</param>
    /// <param name="steps">Optimizer steps (≥ 1).</param>
    /// <param name="batchSize">Fresh photos per step (≥ 2).</param>
    /// <param name="learningRate">Adam's constant learning rate (&gt; 0).</param>
    /// <param name="seed">Seeds the initial weights.</param>
    /// <param name="progress">Receives a report every 10 steps (stage <c>backbone_pretrain</c>); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between steps; nothing is written then.</param>
    /// <returns>The path of the backbone's state-dict file (<c>stages.*</c> keys).</returns>
    /// <exception cref="ArgumentException">An argument is out of range; the message names it.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static string GetOrTrain(string cacheDirectory, SynthDGOptions data, int width = 16, int steps = 600, int batchSize = 64,
                                    double learningRate = 1e-3, long seed = 0, IProgress<TrainingProgress>? progress = null,
                                    CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2);
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n",
            Format, $"seed={data.Seed}", $"size={data.ImageSize}", $"width={width}", $"steps={steps}", $"batch={batchSize}",
            $"lr={learningRate:R}", $"init={seed}", $"start={IndexStart}", "domain=photo", "adam, cross-entropy, imagenet normalisation"))))[..16].ToLowerInvariant();
        var path = Path.Combine(Path.GetFullPath(cacheDirectory), $"synthdg-smallcnn{width}-photo-{key}.safetensors");
        if (File.Exists(path)) return path;

        using var student = NewStudent(width, seed);
        Pretrain(student, data, steps, batchSize, learningRate, progress, cancellationToken);
        StateDictFile.Write(path, student.Backbone.state_dict());
        return path;
    }

    private static Student NewStudent(int width, long seed)
    {
        using var saved = torch.get_rng_state();
        torch.manual_seed(seed);
        try
        {
            return Student.SmallCnn(embeddingDim: null, numClasses: SynthDG.ClassNames.Count, width: width);
        }
        finally
        {
            torch.set_rng_state(saved);
        }
    }

    private static void Pretrain(Student student, SynthDGOptions data, int steps, int batchSize, double learningRate,
                                 IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        student.train();
        using var optimizer = new AdamOptimizer([(student.parameters(), 0.0)], learningRate, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
        int size = data.ImageSize, plane = 3 * size * size;
        var pixels = new byte[batchSize * plane];
        var labels = new long[batchSize];
        for (int step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Parallel.For(0, batchSize, j =>
            {
                var image = SynthDG.Render(data.Seed, SynthDomain.Photo, checked(IndexStart + step * batchSize + j), size);
                image.Image.Pixels.CopyTo(pixels, j * plane);
                labels[j] = image.Label;
            });
            using var scope = torch.NewDisposeScope();
            var images = ImageNetTensors.Normalize(torch.tensor(pixels, [batchSize, 3, size, size], ScalarType.Byte));
            var loss = LossFunctions.CrossEntropy(student.call(images).Logits!, torch.tensor(labels), labelSmoothing: 0);
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
            bool report = step % 10 == 9 || step == steps - 1;
            if (!report) continue;
            double value = loss.ToDouble();
            if (!double.IsFinite(value))
                throw new TrainingDivergedException("backbone_pretrain", step, new Dictionary<string, double> { ["cross_entropy"] = value },
                    $"the backbone pretraining loss (lower the learning rate, was {learningRate})");
            progress?.Report(new TrainingProgress("backbone_pretrain", 0, 1, step, steps, value,
                new Dictionary<string, double> { ["cross_entropy"] = value }, null, clock.Elapsed));
        }
    }
}
