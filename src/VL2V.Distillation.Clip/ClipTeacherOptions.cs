using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Text;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Clip;

/// <summary>How a <see cref="ClipTeacher"/> treats its inputs and builds its class text embeddings.</summary>
public sealed record ClipTeacherOptions
{
    /// <summary>The statistics the teacher's image tower sees.</summary>
    /// <value>
    /// The default is <see cref="TeacherInputNormalization.SameAsStudent"/>: the official VL2V code feeds the teacher the
    /// student's ImageNet-normalised tensor (PAPER.md §2.9.1), and the paper's numbers were produced that way. Choose
    /// <see cref="TeacherInputNormalization.ClipStatistics"/> to give CLIP the statistics it was trained with.
    /// </value>
    public TeacherInputNormalization InputNormalization { get; init; } = TeacherInputNormalization.SameAsStudent;

    /// <summary>The per-channel mean (R, G, B, 0–1 scale) the incoming images were normalised with; used only with <see cref="TeacherInputNormalization.ClipStatistics"/>.</summary>
    /// <value>The default is <see cref="AugmentationOptions.ImageNetMean"/>.</value>
    public IReadOnlyList<float> InputMean { get; init; } = AugmentationOptions.ImageNetMean;

    /// <summary>The per-channel standard deviation the incoming images were normalised with; used only with <see cref="TeacherInputNormalization.ClipStatistics"/>.</summary>
    /// <value>The default is <see cref="AugmentationOptions.ImageNetStd"/>.</value>
    public IReadOnlyList<float> InputStd { get; init; } = AugmentationOptions.ImageNetStd;

    /// <summary>
    /// Whether images whose height or width differ from the model's <see cref="ClipConfig.ImageResolution"/> are resized to
    /// R×R (bicubic, antialiased, <c>align_corners = false</c>; the whole image, so a non-square input is stretched).
    /// When false such a batch throws.
    /// </summary>
    /// <value>
    /// The default is false: the official code gives teacher and student the same 224-pixel tensor, and a silent resize
    /// would change the teacher's targets; a mismatch is more likely a configuration mistake than an intent.
    /// </value>
    public bool ResizeToModelResolution { get; init; }

    /// <summary>The prompt templates (each containing <see cref="PromptTemplates.ClassPlaceholder"/>) averaged per class.</summary>
    /// <value>The default is <see cref="PromptTemplates.Paper"/>: the single <c>a photo of a {c}</c> of the paper and its code.</value>
    public IReadOnlyList<string> Templates { get; init; } = PromptTemplates.Paper;

    /// <summary>
    /// The CLIP BPE vocabulary for <see cref="ClipTeacher.Load"/>: openai's <c>bpe_simple_vocab_16e6.txt.gz</c>, or a Hugging
    /// Face <c>vocab.json</c> with <c>merges.txt</c> in the same folder (see <see cref="ClipTokenizerFiles.Open"/>). Nothing is downloaded.
    /// </summary>
    /// <value>The default is <see langword="null"/>; <see cref="ClipTeacher.Load"/> requires it.</value>
    public string? VocabularyPath { get; init; }

    /// <summary>The architecture for <see cref="ClipTeacher.Load"/>; null to let <see cref="ClipCheckpoint.Load"/> infer it.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public ClipConfig? Config { get; init; }

    /// <summary>Dtype and device of the model built by <see cref="ClipTeacher.Load"/>.</summary>
    /// <value>The default is <see langword="null"/>: float32 on the CPU.</value>
    public ClipCheckpointOptions? Checkpoint { get; init; }

    /// <summary>How many prompts are encoded at once while the class text embeddings are built.</summary>
    /// <value>The default is 256.</value>
    public int TextBatchSize { get; init; } = 256;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">Some value is invalid; the message names each option, the value and the fix.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(InputNormalization))
        {
            errors.Add($"InputNormalization must be SameAsStudent or ClipStatistics (was {(int)InputNormalization}).");
        }
        CheckStats(errors, InputMean, nameof(InputMean), positive: false);
        CheckStats(errors, InputStd, nameof(InputStd), positive: true);
        if (Templates is null || Templates.Count == 0)
        {
            errors.Add("Templates must hold at least one prompt template such as \"a photo of a {c}\".");
        }
        else
        {
            for (int i = 0; i < Templates.Count; i++)
            {
                if (Templates[i] is null || !Templates[i].Contains(PromptTemplates.ClassPlaceholder, StringComparison.Ordinal))
                {
                    errors.Add($"Templates[{i}] ('{Templates[i]}') has no '{PromptTemplates.ClassPlaceholder}' placeholder for the class name.");
                }
            }
        }
        if (VocabularyPath is not null && string.IsNullOrWhiteSpace(VocabularyPath))
        {
            errors.Add("VocabularyPath is blank; give the path of bpe_simple_vocab_16e6.txt.gz or vocab.json, or null.");
        }
        if (TextBatchSize < 1) errors.Add($"TextBatchSize must be ≥ 1 (was {TextBatchSize}).");
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The '{nameof(ClipTeacherOptions)}' are invalid:" + Environment.NewLine +
                                        string.Join(Environment.NewLine, errors.Select(e => "- " + e)));
        }
    }

    private static void CheckStats(List<string> errors, IReadOnlyList<float>? values, string name, bool positive)
    {
        if (values is null || values.Count != 3)
        {
            errors.Add($"{name} must have 3 values (R, G, B) (had {values?.Count ?? 0}).");
        }
        else if (values.Any(v => !float.IsFinite(v) || (positive && !(v > 0))))
        {
            errors.Add($"{name} values must be finite{(positive ? " and positive" : "")} (were {string.Join(", ", values)}).");
        }
    }
}
