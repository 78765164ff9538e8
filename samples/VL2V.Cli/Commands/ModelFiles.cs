using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Cli.Commands;

/// <summary>Resolves and loads the model, configuration and vocabulary named on the command line.</summary>
internal static class ModelFiles
{
    public const string VocabularyVariable = "VL2V_CLIP_VOCAB";

    public static void RequireFile(string path, string option)
    {
        if (!File.Exists(path)) throw new CliException($"{option} '{path}' does not exist.");
    }

    /// <summary>The vocabulary path: the option, else a vocabulary beside the weights, else the environment variable.</summary>
    public static string ResolveVocabulary(string? vocab, string? weights)
    {
        if (vocab is not null)
        {
            RequireFile(vocab, "--vocab");
            return vocab;
        }
        if (weights is not null)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(weights))!;
            foreach (var name in new[] { "bpe_simple_vocab_16e6.txt.gz", "vocab.json" })
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(VocabularyVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (!File.Exists(fromEnvironment)) throw new CliException($"{VocabularyVariable} names '{fromEnvironment}', which does not exist.");
            return fromEnvironment;
        }
        throw new CliException(
            $"No CLIP vocabulary: pass --vocab FILE (bpe_simple_vocab_16e6.txt.gz or vocab.json){(weights is null ? "" : ", put one beside --weights")} or set {VocabularyVariable}.");
    }

    /// <summary>Reads <c>--config</c> when given (validated before the weights are read).</summary>
    public static ClipConfig? ReadConfig(string? path)
    {
        if (path is null) return null;
        RequireFile(path, "--config");
        return ClipConfig.FromJsonFile(path);
    }

    public static ClipModel LoadModel(string weights, ClipConfig? config) => ClipCheckpoint.Load(weights, config);

    public static ClipTokenizer Tokenizer(string vocabulary, int contextLength, bool truncate, ClipPadding padding = ClipPadding.Zero) =>
        ClipTokenizerFiles.Open(vocabulary, new ClipTokenizerOptions { ContextLength = contextLength, Truncate = truncate, Padding = padding });
}
