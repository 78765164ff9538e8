using System.Globalization;

namespace VL2V.Benchmarks;

/// <summary>The command line: <c>&lt;benchmark&gt; [--quick] [--reps N] [--warmup N] [--threads N] [--folder DIR] [--batch B] [--vocab FILE]</c>.</summary>
/// <param name="Benchmark">data, clip, student or images.</param>
/// <param name="Quick">Smaller work and fewer repetitions: checks that a benchmark runs, its numbers are not for the docs.</param>
/// <param name="Repetitions">Timed repetitions per row.</param>
/// <param name="Warmup">Untimed repetitions per row.</param>
/// <param name="Threads">libtorch intra-op threads for model benchmarks (the data benchmark uses 1 per worker).</param>
/// <param name="Folder">The image folder of the data benchmark, or null for a temporary one.</param>
/// <param name="Batch">The train benchmark's images per source domain per step, or null for its default.</param>
/// <param name="Vocabulary">The CLIP BPE vocabulary of the train benchmark, or null for the shared one.</param>
public sealed record BenchOptions(string Benchmark, bool Quick, int Repetitions, int Warmup, int Threads, string? Folder,
    int? Batch = null, string? Vocabulary = null)
{
    /// <summary>The benchmarks the app knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["data", "clip", "student", "train", "memory", "optimizer", "images"];

    /// <summary>The usage text.</summary>
    public static string Usage =>
        "usage: dotnet run -c Release --project samples/VL2V.Benchmarks -- <benchmark> [options]\n" +
        "  benchmarks: data (decode + augment, issue 4), clip (ViT-B/16 encode_image/encode_text, issue 3),\n" +
        "              student (ResNet-18 training step), train (trainer steps/s, online vs cached teacher, issue 5),\n" +
        "              memory (RSS and live tensors over a long ADiP + SWAD run, issue 5),\n" +
        "              optimizer (Adam step: TorchSharp's vs the library's held-scalar AdamOptimizer),\n" +
        "              images (only write the image folder for python/bench_data.py)\n" +
        "  --quick        small work and 1 repetition: checks that it runs, not for publishing\n" +
        "  --reps N       timed repetitions per row (default 5, quick 1)\n" +
        "  --warmup N     untimed repetitions per row (default 1)\n" +
        "  --threads N    libtorch intra-op threads for model benchmarks (default 2)\n" +
        "  --folder DIR   image folder of the data benchmark; created if missing and kept (default: a temporary folder)\n" +
        "  --batch B      train: images per source domain per step (default 4, quick 2)\n" +
        "  --vocab FILE   train: CLIP BPE vocabulary (default /work/shared/clip/bpe_simple_vocab_16e6.txt.gz)";

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <exception cref="ArgumentException">An argument is unknown or invalid; the message says which and shows the usage.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Names.Contains(args[0]))
            throw new ArgumentException($"Name a benchmark first ({string.Join(", ", Names)}); got '{(args.Count == 0 ? "" : args[0])}'.\n{Usage}");
        bool quick = false;
        int? reps = null;
        int warmup = 1, threads = 2;
        string? folder = null, vocabulary = null;
        int? batch = null;
        for (int i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--reps": reps = PositiveInt(args, ref i, allowZero: false); break;
                case "--warmup": warmup = PositiveInt(args, ref i, allowZero: true); break;
                case "--threads": threads = PositiveInt(args, ref i, allowZero: false); break;
                case "--folder":
                    folder = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"--folder needs a directory.\n{Usage}");
                    break;
                case "--batch": batch = PositiveInt(args, ref i, allowZero: false); break;
                case "--vocab":
                    vocabulary = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"--vocab needs a file.\n{Usage}");
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}");
            }
        }
        return new BenchOptions(args[0], quick, reps ?? (quick ? 1 : 5), warmup, threads, folder, batch, vocabulary);
    }

    private static int PositiveInt(IReadOnlyList<string> args, ref int i, bool allowZero)
    {
        string option = args[i];
        if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            || value < (allowZero ? 0 : 1))
        {
            throw new ArgumentException($"{option} needs a whole number ≥ {(allowZero ? 0 : 1)}.\n{Usage}");
        }
        i++;
        return value;
    }
}
