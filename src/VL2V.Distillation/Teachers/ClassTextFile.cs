using System.Globalization;
using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// The <c>class_text.safetensors</c> of a cache folder: the teacher's class text embeddings <c>[C, D]</c> and class
/// names, saved the first time the teacher runs, so that a <see cref="PrecomputedTeacher"/> can serve the cache alone.
/// </summary>
internal static class ClassTextFile
{
    public const string FileName = "class_text.safetensors";

    /// <summary>Saves the teacher's class text embeddings next to the shards (once; an existing file is kept).</summary>
    public static void Write(TeacherEmbeddingCache cache, IReadOnlyList<string> classNames, Tensor classText, double logitScale)
    {
        string path = Path.Combine(cache.Folder, FileName);
        if (File.Exists(path)) return;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = EmbeddingFile.Format,
            [EmbeddingFile.FingerprintEntry] = cache.Fingerprint,
            [EmbeddingFile.ClassNamesEntry] = EmbeddingFile.JsonArray(classNames),
            [EmbeddingFile.LogitScaleEntry] = logitScale.ToString("R", CultureInfo.InvariantCulture),
        };
        using var values = classText.detach().to(ScalarType.Float32);
        SafetensorsWriter.TryWriteNew(path, [(EmbeddingFile.ClassTensor, values)], metadata);
    }

    /// <summary>Reads the class text embeddings saved by <see cref="Write"/>.</summary>
    /// <exception cref="FileNotFoundException">The cache has no class text file.</exception>
    public static (IReadOnlyList<string> ClassNames, Tensor ClassText, double LogitScale) Read(TeacherEmbeddingCache cache)
    {
        string path = Path.Combine(cache.Folder, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The teacher cache '{cache.Folder}' has no {FileName}: it is written by TeacherCacheBuilder.Build or a CachingTeacher " +
                "the first time the teacher runs. Build the cache with the teacher, or use PrecomputedTeacher.FromFile with a file that holds 'class_text'.", path);
        }
        var file = EmbeddingFile.Open(path, cache.VerifyData, "Delete it and build the cache again to rewrite it.");
        if (file.ClassText is null || file.ClassText.Shape[1] != cache.EmbeddingDim || file.Metadata(EmbeddingFile.FingerprintEntry) != cache.Fingerprint)
        {
            throw new InvalidDataException(
                $"Teacher embedding file '{path}' is invalid: it needs a '{EmbeddingFile.ClassTensor}' tensor [C, {cache.EmbeddingDim}] computed for fingerprint '{cache.Fingerprint}'. " +
                "Delete it and build the cache again to rewrite it.");
        }
        return (file.ClassNames, file.ReadFloat32(file.ClassText), ParseLogitScale(file));
    }

    public static double ParseLogitScale(EmbeddingFile file)
    {
        string? text = file.Metadata(EmbeddingFile.LogitScaleEntry);
        if (text is null) return 100.0;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) && scale > 0 && double.IsFinite(scale)) return scale;
        throw new InvalidDataException(
            $"Teacher embedding file '{file.FilePath}' is invalid: metadata '{EmbeddingFile.LogitScaleEntry}' is '{text}', expected a positive number (100 for OpenAI CLIP).");
    }
}
