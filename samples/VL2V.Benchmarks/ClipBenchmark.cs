using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Modules;

namespace VL2V.Benchmarks;

/// <summary>
/// Issue 3: CLIP ViT-B/16 <c>EncodeImage</c> (batch 8, 224 px) and <c>EncodeText</c> (batch 32, 77 tokens) on CPU with
/// random weights (OpenAI's initialisation), float32, under <c>no_grad</c>. Counterpart: <c>python/bench_clip.py</c>.
/// </summary>
public static class ClipBenchmark
{
    /// <summary>Images per <c>EncodeImage</c> call.</summary>
    public const int ImageBatch = 8;

    /// <summary>Captions per <c>EncodeText</c> call.</summary>
    public const int TextBatch = 32;

    /// <summary>Runs the benchmark and prints its table.</summary>
    /// <param name="options">The command line.</param>
    public static void Run(BenchOptions options)
    {
        var config = ClipPresets.VitB16;
        torch.manual_seed(0);
        using var model = new ClipModel(config);
        model.eval();
        long parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"model: ClipPresets.VitB16, {parameters / 1e6:F1} M parameters (with logit_scale), {model.DType}, random weights");

        int imageBatch = options.Quick ? 2 : ImageBatch, textBatch = options.Quick ? 4 : TextBatch;
        var generator = new torch.Generator(0);
        using var images = torch.randn([imageBatch, 3, config.ImageResolution, config.ImageResolution], generator: generator);
        using var ids = TokenBatch(textBatch, config.ContextLength, config.VocabSize, generator);
        int w = options.Warmup, r = options.Repetitions;
        var rows = new List<Measurement>();
        using (torch.no_grad())
        {
            rows.Add(Stopwatches.Measure($"EncodeImage, batch {imageBatch}, {config.ImageResolution} px", "img", imageBatch, w, r, () =>
            {
                using var features = model.EncodeImage(images);
            }));
            rows.Add(Stopwatches.Measure($"EncodeText, batch {textBatch}, {config.ContextLength} tokens", "text", textBatch, w, r, () =>
            {
                using var features = model.EncodeText(ids);
            }));
        }
        ResultTable.Print($"clip: TorchSharp ClipModel ViT-B/16, no_grad, torch threads {torch.get_num_threads()}", rows);
    }

    // n random captions: SOT, 5..40 random tokens, EOT (the largest id), zero padding, as CLIP's tokenizer pads them.
    private static Tensor TokenBatch(int n, int context, int vocab, torch.Generator generator)
    {
        var ids = new long[n * context];
        using var lengths = torch.randint(5, 41, [n], generator: generator);
        var lengthArray = lengths.data<long>().ToArray();
        for (int i = 0; i < n; i++)
        {
            int length = (int)lengthArray[i];
            using var tokens = torch.randint(1, vocab - 2, [length], generator: generator);
            var tokenArray = tokens.data<long>().ToArray();
            ids[i * context] = vocab - 2;
            for (int t = 0; t < length; t++) ids[i * context + 1 + t] = tokenArray[t];
            ids[i * context + length + 1] = vocab - 1;
        }
        return torch.tensor(ids, [n, context]);
    }
}
