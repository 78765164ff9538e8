using VL2V.Distillation.Checkpoints;
using System.CommandLine;
using VL2V.Distillation.Clip.Imaging;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v embed</c>: CLIP image and text embeddings (unnormalised, as <c>encode_image</c>/<c>encode_text</c>) and,
/// with both, <c>logits_per_image</c>, written as float32 <c>.safetensors</c>.
/// </summary>
internal sealed class EmbedCommand : ICliCommand
{
    public Command Build(TextWriter output, TextWriter error)
    {
        var weights = CommonOptions.Weights();
        var config = CommonOptions.Config();
        var vocab = CommonOptions.Vocab(beside: true);
        var images = new Option<string[]>("--image")
        {
            Description = "Image file (PNG or JPEG), preprocessed like openai/CLIP at the model's resolution (bicubic resize of the shorter side, centre crop, CLIP mean/std). Several may follow one --image, or repeat the option; order is kept. Default: none.",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "PNG_OR_JPG",
        };
        var texts = new Option<string[]>("--text")
        {
            Description = "A text to embed (tokenized with truncation to the model's context length). Repeat for several. Default: none.",
            HelpName = "STRING",
        };
        var textsJson = new Option<string?>("--texts-json")
        {
            Description = "File holding a JSON array of strings, embedded after the --text values. Default: none.",
            HelpName = "FILE",
        };
        var output_ = new Option<string>("--out")
        {
            Description = "Output .safetensors: F32 image_embeds [N,D], text_embeds [M,D] and, when both are given, logits_per_image [N,M] " +
                          "(= exp(logit_scale) · cosine). Written to a temporary file and renamed.",
            Required = true,
            HelpName = "FILE.safetensors",
        };
        var command = new Command("embed", "Embed images and texts with a CLIP model.")
        {
            weights, config, vocab, images, texts, textsJson, output_,
        };
        command.SetAction(parse => CommandRunner.Run("embed", error, () =>
        {
            string weightsPath = parse.GetValue(weights)!;
            string outPath = parse.GetValue(output_)!;
            var imagePaths = parse.GetValue(images) ?? [];
            var allTexts = new List<string>(parse.GetValue(texts) ?? []);
            string? textsFile = parse.GetValue(textsJson);

            // Every input is checked before the model is read.
            ModelFiles.RequireFile(weightsPath, "--weights");
            foreach (var image in imagePaths) ModelFiles.RequireFile(image, "--image");
            if (textsFile is not null) allTexts.AddRange(JsonFiles.ReadStrings(textsFile, "--texts-json"));
            if (imagePaths.Length == 0 && allTexts.Count == 0)
            {
                throw new CliException("Nothing to embed: give at least one --image, --text or --texts-json.");
            }
            var clipConfig = ModelFiles.ReadConfig(parse.GetValue(config));
            string? vocabulary = allTexts.Count > 0 ? ModelFiles.ResolveVocabulary(parse.GetValue(vocab), weightsPath) : null;

            using var model = ModelFiles.LoadModel(weightsPath, clipConfig);
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var written = new List<(string, Tensor)>();
            Tensor? pixels = null, ids = null;
            if (imagePaths.Length > 0)
            {
                var preprocessor = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = model.Config.ImageResolution });
                pixels = preprocessor.PreprocessBatch(imagePaths);
                written.Add(("image_embeds", model.EncodeImage(pixels)));
            }
            if (vocabulary is not null)
            {
                var tokenizer = ModelFiles.Tokenizer(vocabulary, model.Config.ContextLength, truncate: true);
                var rows = tokenizer.Encode(allTexts);
                ids = torch.tensor(rows.SelectMany(r => r).Select(i => (long)i).ToArray(), [rows.Length, model.Config.ContextLength], ScalarType.Int64);
                written.Add(("text_embeds", model.EncodeText(ids)));
            }
            if (pixels is not null && ids is not null) written.Add(("logits_per_image", model.call(pixels, ids)));
            // F32 as the reference outputs; written through a temporary file and a rename.
            StateDictFile.Write(outPath, written.ToDictionary(w => w.Item1, w => w.Item2.detach().to(ScalarType.Float32)));
            output.WriteLine($"wrote {outPath}: " + string.Join(", ", written.Select(w => $"{w.Item1} [{string.Join(",", w.Item2.shape)}]")));
            return 0;
        }));
        return command;
    }
}
