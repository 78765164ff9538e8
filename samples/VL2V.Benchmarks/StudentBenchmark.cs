using VL2V.Distillation.Students;

namespace VL2V.Benchmarks;

/// <summary>
/// Training step and inference of the library's students on CPU with random weights: ResNet-18 at 224 px (batch 32)
/// and the small CNN at 64 px (batch 128). Counterpart: <c>python/bench_student.py</c> (torchvision resnet18 and the
/// same small CNN written in PyTorch).
/// </summary>
/// <remarks>
/// The step is a distillation-shaped step: features → projection head (512-d embedding) and classifier (7 classes);
/// loss = cross-entropy + mean(1 − cos(embedding, fixed random teacher embedding)); backward; AdamW (lr 5e-5).
/// The heads and the loss are negligible next to the backbone; the backbone is what is measured.
/// </remarks>
public static class StudentBenchmark
{
    /// <summary>Runs the benchmark and prints its table.</summary>
    /// <param name="options">The command line.</param>
    public static void Run(BenchOptions options)
    {
        var rows = new List<Measurement>();
        int w = options.Warmup, r = options.Repetitions;
        int resnetBatch = options.Quick ? 4 : 32;
        using (var resnet = Student.ResNet18(embeddingDim: 512, numClasses: 7))
        {
            rows.Add(TrainStep($"ResNet-18 student train step, batch {resnetBatch}, 224 px", resnet, resnetBatch, 224, w, r));
            rows.Add(Inference($"ResNet-18 student inference (eval, no_grad), batch {resnetBatch}, 224 px", resnet, resnetBatch, 224, w, r));
        }
        int cnnBatch = options.Quick ? 16 : 128;
        using (var cnn = Student.SmallCnn(embeddingDim: 512, numClasses: 7, width: 32))
        {
            rows.Add(TrainStep($"small CNN (width 32) student train step, batch {cnnBatch}, 64 px", cnn, cnnBatch, 64, w, r));
        }
        ResultTable.Print($"student: TorchSharp, random weights, float32, torch threads {torch.get_num_threads()}", rows);
    }

    private static Measurement TrainStep(string name, Student student, int batch, int size, int warmup, int reps)
    {
        var generator = new torch.Generator(0);
        using var images = torch.randn([batch, 3, size, size], generator: generator);
        using var labels = torch.randint(0, 7, [batch], generator: generator);
        using var teacher = nn.functional.normalize(torch.randn([batch, 512], generator: generator), dim: -1);
        using var optimizer = torch.optim.AdamW(student.parameters(), lr: 5e-5);
        student.train();
        return Stopwatches.Measure(name, "img", batch, warmup, reps, () =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var y = student.call(images);
            var cosine = nn.functional.cosine_similarity(y.Embedding, teacher, dim: -1);
            var loss = nn.functional.cross_entropy(y.Logits!, labels) + (1 - cosine).mean();
            loss.backward();
            optimizer.step();
        });
    }

    private static Measurement Inference(string name, Student student, int batch, int size, int warmup, int reps)
    {
        using var images = torch.randn([batch, 3, size, size], generator: new torch.Generator(1));
        student.eval();
        return Stopwatches.Measure(name, "img", batch, warmup, reps, () =>
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            student.call(images);
        });
    }
}
