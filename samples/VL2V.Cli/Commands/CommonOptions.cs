using System.CommandLine;

namespace VL2V.Cli.Commands;

/// <summary>Options shared by the commands that load a CLIP model.</summary>
internal static class CommonOptions
{
    public static Option<string> Weights() => new("--weights")
    {
        Description = "CLIP weight file: OpenAI TorchScript archive (ViT-B-16.pt), torch.save state dict (.pt/.pth), " +
                      ".safetensors (OpenAI or open_clip names), or Hugging Face model.safetensors (config.json beside it).",
        Required = true,
        HelpName = "FILE",
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "Architecture JSON: open_clip model config, Hugging Face CLIPConfig, or OpenAI CLIP(...) constructor arguments " +
                      "(also inside 'clip_constructor_args'). Default: Hugging Face weights read the config.json beside them; " +
                      "other weights are inferred from tensor shapes like OpenAI's build_model (fits OpenAI's released models).",
        HelpName = "JSON",
    };

    public static Option<string?> Vocab(bool beside) => new("--vocab")
    {
        Description = "CLIP BPE vocabulary: openai's bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json with merges.txt beside it. Default: " +
                      (beside ? "bpe_simple_vocab_16e6.txt.gz or vocab.json in the folder of --weights, else " : "") +
                      "the file named by the environment variable " + ModelFiles.VocabularyVariable + ".",
        HelpName = "FILE",
    };
}
