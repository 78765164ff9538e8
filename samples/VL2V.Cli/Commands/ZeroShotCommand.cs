using System.CommandLine;
using System.Globalization;
using VL2V.Distillation;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Data;

namespace VL2V.Cli.Commands;

/// <summary>
/// <c>vl2v zeroshot</c>: CLIP zero-shot accuracy on every domain of a DomainBed-layout folder
/// <c>ROOT/&lt;domain&gt;/&lt;class&gt;/&lt;image&gt;</c>, class names from the folder names (<c>_</c> read as a space).
/// </summary>
internal sealed class ZeroShotCommand : ICliCommand
{
    private static readonly string[] TemplateSets = ["photo", "simple", "imagenet", "domain"];

    public Command Build(TextWriter output, TextWriter error)
    {
        var weights = CommonOptions.Weights();
        var config = CommonOptions.Config();
        var vocab = CommonOptions.Vocab(beside: true);
        var data = new Option<string>("--data")
        {
            Description = "Dataset root ROOT/<domain>/<class>/<image> (.jpg/.jpeg/.png); every domain must have the same class folders. " +
                          "Every image is decoded and checked before the model is loaded.",
            Required = true,
            HelpName = "ROOT",
        };
        var templates = new Option<string>("--templates")
        {
            Description = "Prompt templates averaged per class: 'photo' = the paper's \"a photo of a {c}\"; 'simple' = open_clip's 7 ImageNet templates; " +
                          "'imagenet' = CLIP's 80 ImageNet templates; 'domain' = \"a {domain} of a {c}\" for every domain folder of ROOT.",
            DefaultValueFactory = _ => "photo",
            HelpName = string.Join("|", TemplateSets),
        };
        templates.AcceptOnlyFromAmong(TemplateSets);
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images encoded at once.",
            DefaultValueFactory = _ => 64,
            HelpName = "N",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write {\"domains\": {DOMAIN: {\"accuracy\": x, \"count\": n}}, \"average\": x} (average = unweighted mean over domains). Default: none.",
            HelpName = "OUT.json",
        };
        var command = new Command("zeroshot", "CLIP zero-shot accuracy per domain of an image folder.") { weights, config, vocab, data, templates, batchSize, json };
        command.SetAction(parse => CommandRunner.Run("zeroshot", error, () =>
        {
            string weightsPath = parse.GetValue(weights)!;
            int batch = parse.GetValue(batchSize);
            if (batch < 1) throw new CliException($"--batch-size must be at least 1, was {batch}.");
            string root = parse.GetValue(data)!;
            if (!Directory.Exists(root)) throw new CliException($"--data '{root}' is not a folder; expected ROOT/<domain>/<class>/<image>.");
            string? jsonPath = parse.GetValue(json);
            if (jsonPath is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(jsonPath))))
            {
                throw new CliException($"The folder of --json '{jsonPath}' does not exist; create it first.");
            }

            // Files and options first (cheap), then every image of the data set, all before the weights are read.
            ModelFiles.RequireFile(weightsPath, "--weights");
            var clipConfig = ModelFiles.ReadConfig(parse.GetValue(config));
            string vocabulary = ModelFiles.ResolveVocabulary(parse.GetValue(vocab), weightsPath);
            var dataset = ImageFolderDataset.Open(root);
            var templateList = parse.GetValue(templates) switch
            {
                "simple" => PromptTemplates.OpenClipSimple,
                "imagenet" => PromptTemplates.OpenAIImageNet,
                "domain" => PromptTemplates.Domain(dataset.Domains.Select(PromptTemplates.ClassNameFromFolder)),
                _ => PromptTemplates.Paper,
            };

            // The images are CLIP-preprocessed here, so the teacher passes them through unchanged (SameAsStudent).
            using var teacher = ClipTeacher.Load(weightsPath, dataset.Classes, new ClipTeacherOptions
            {
                VocabularyPath = vocabulary,
                Config = clipConfig,
                Templates = templateList,
                InputNormalization = TeacherInputNormalization.SameAsStudent,
            });
            var preprocessor = new ClipImagePreprocessor(new ClipPreprocessOptions { Size = teacher.ImageResolution });
            var results = new List<(string Domain, double Accuracy, int Count)>();
            for (int d = 0; d < dataset.Domains.Count; d++)
            {
                int count = dataset.DomainSizes[d].Count, correct = 0;
                for (int start = 0; start < count; start += batch)
                {
                    using var scope = torch.NewDisposeScope();
                    int n = Math.Min(batch, count - start);
                    var paths = Enumerable.Range(start, n).Select(i => dataset.GetPath(d, i)).ToList();
                    var labels = torch.tensor(Enumerable.Range(start, n).Select(i => dataset.GetLabel(d, i)).ToArray());
                    var embeddings = teacher.Encode(preprocessor.PreprocessBatch(paths));
                    var predicted = ZeroShotClassifier.Predict(embeddings.Image, embeddings.ClassText).cpu();
                    correct += (int)predicted.eq(labels).sum().item<long>();
                }
                double accuracy = count == 0 ? 0 : (double)correct / count;
                results.Add((dataset.Domains[d], accuracy, count));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset.Domains[d]}\taccuracy {accuracy:F4}\t({correct}/{count})"));
            }
            double average = results.Average(r => r.Accuracy);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"average\taccuracy {average:F4}\t({results.Count} domains, {results.Sum(r => r.Count)} images)"));
            if (jsonPath is not null)
            {
                JsonFiles.WriteAtomically(jsonPath, indented: true, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("domains");
                    foreach (var (domain, accuracy, count) in results)
                    {
                        writer.WriteStartObject(domain);
                        writer.WriteNumber("accuracy", accuracy);
                        writer.WriteNumber("count", count);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                    writer.WriteNumber("average", average);
                    writer.WriteEndObject();
                });
            }
            return 0;
        }));
        return command;
    }
}
