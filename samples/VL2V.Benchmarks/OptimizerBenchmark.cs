using TorchSharp.Modules;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

namespace VL2V.Benchmarks;

/// <summary>
/// One Adam step over a ResNet-18 backbone's parameters (11.2 M in 60 tensors) with fixed random gradients:
/// TorchSharp's <c>torch.optim.Adam</c> against the library's <c>AdamOptimizer</c> (the same arithmetic with held
/// scalars, which the trainer uses). Counterpart: <c>python/bench_optimizer.py</c> (<c>torch.optim.Adam</c>).
/// </summary>
public static class OptimizerBenchmark
{
    /// <summary>Runs the benchmark and prints its table.</summary>
    /// <param name="options">The command line.</param>
    public static void Run(BenchOptions options)
    {
        int w = options.Warmup, r = options.Repetitions, steps = options.Quick ? 1 : 10;
        var rows = new List<Measurement>();
        using (var backbone = WithGradients())
        {
            using var adam = torch.optim.Adam(backbone.parameters(), lr: 5e-5, weight_decay: 0);
            rows.Add(Stopwatches.Measure($"torch.optim.Adam (TorchSharp), {steps} steps", "step", steps, w, r, () =>
            {
                for (int i = 0; i < steps; i++) adam.step();
            }));
        }
        using (var backbone = WithGradients())
        {
            using var adam = new AdamOptimizer([(backbone.parameters(), 0.0)], 5e-5, 0.9, 0.999, 1e-8, decoupledWeightDecay: false);
            rows.Add(Stopwatches.Measure($"AdamOptimizer (library, held scalars), {steps} steps", "step", steps, w, r, () =>
            {
                for (int i = 0; i < steps; i++) adam.Step();
            }));
        }
        ResultTable.Print($"optimizer: Adam over ResNet-18 backbone parameters, float32, torch threads {torch.get_num_threads()}", rows);
    }

    /// <summary>A ResNet-18 backbone whose parameters hold fixed random gradients (from one backward pass).</summary>
    private static ResNetBackbone WithGradients()
    {
        torch.manual_seed(0);
        var backbone = ResNetBackbone.ResNet18();
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(1);
        Tensor? total = null;
        foreach (var p in backbone.parameters())
        {
            var term = (p * torch.randn(p.shape, generator: generator)).sum();
            total = total is null ? term : total.add(term, 1);
        }
        total!.backward();
        return backbone;
    }
}
