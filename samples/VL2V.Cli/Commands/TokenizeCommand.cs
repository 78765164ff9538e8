using System.CommandLine;
using VL2V.Distillation.Clip.Text;

namespace VL2V.Cli.Commands;

/// <summary><c>vl2v tokenize</c>: CLIP token id rows of a JSON array of strings, written as a JSON array of arrays.</summary>
internal sealed class TokenizeCommand : ICliCommand
{
    public Command Build(TextWriter output, TextWriter error)
    {
        var vocab = CommonOptions.Vocab(beside: false);
        var contextLength = new Option<int>("--context-length")
        {
            Description = "Ids per row, <|startoftext|> and <|endoftext|> included.",
            DefaultValueFactory = _ => ClipTokenizerOptions.DefaultContextLength,
            HelpName = "N",
        };
        var truncate = new Option<bool>("--truncate")
        {
            Description = "Cut texts longer than the context length (last id forced to <|endoftext|>, like clip.tokenize(truncate=True)); without it such a text is an error. Default: off.",
        };
        var pad = new Option<string>("--pad")
        {
            Description = "Id after <|endoftext|>: 'openai' writes 0 (clip.tokenize), 'hf' writes 49407 (transformers' CLIPTokenizer).",
            DefaultValueFactory = _ => "openai",
            HelpName = "openai|hf",
        };
        pad.AcceptOnlyFromAmong("openai", "hf");
        var textsJson = new Option<string>("--texts-json")
        {
            Description = "File holding a JSON array of strings.",
            Required = true,
            HelpName = "FILE",
        };
        var output_ = new Option<string>("--out")
        {
            Description = "Output JSON: an array with one array of ids per input string.",
            Required = true,
            HelpName = "FILE.json",
        };
        var command = new Command("tokenize", "Tokenize texts with the CLIP BPE tokenizer.") { vocab, contextLength, truncate, pad, textsJson, output_ };
        command.SetAction(parse => CommandRunner.Run("tokenize", error, () =>
        {
            int length = parse.GetValue(contextLength);
            if (length < 2) throw new CliException($"--context-length must be at least 2 (room for <|startoftext|> and <|endoftext|>), was {length}.");
            var texts = JsonFiles.ReadStrings(parse.GetValue(textsJson)!, "--texts-json");
            string vocabulary = ModelFiles.ResolveVocabulary(parse.GetValue(vocab), weights: null);
            var padding = parse.GetValue(pad) == "hf" ? ClipPadding.EndOfText : ClipPadding.Zero;
            var tokenizer = ModelFiles.Tokenizer(vocabulary, length, parse.GetValue(truncate), padding);
            var rows = new List<int[]>(texts.Count);
            for (int i = 0; i < texts.Count; i++)
            {
                try
                {
                    rows.Add(tokenizer.Encode(texts[i]));
                }
                catch (ArgumentException e)
                {
                    throw new CliException($"text {i} of --texts-json: {e.Message} Pass --truncate to cut long texts.");
                }
            }
            string outPath = parse.GetValue(output_)!;
            JsonFiles.WriteAtomically(outPath, indented: false, json =>
            {
                json.WriteStartArray();
                foreach (var row in rows)
                {
                    json.WriteStartArray();
                    foreach (var id in row) json.WriteNumberValue(id);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            });
            output.WriteLine($"wrote {outPath}: {rows.Count} rows of {length} ids");
            return 0;
        }));
        return command;
    }
}
