using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Data;
using VL2V.Distillation.Teachers;

namespace VL2V.Cli.Commands;

/// <summary>Opens the data set, the device, the CLIP teacher and its embedding cache named on a training command line.</summary>
internal static class TeacherSetup
{
    /// <summary>The TorchSharp device of <c>--device</c>; fails in one line when CUDA is asked for but not available.</summary>
    public static Device ParseDevice(string text)
    {
        string name = text.Trim().ToLowerInvariant();
        if (name == "cpu") return torch.CPU;
        if (name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new CliException($"--device {text}: CUDA is not available to TorchSharp (no GPU, or the app runs with the CPU libtorch backend); " +
                                       "build vl2v with -p:VL2VBackend=cuda on a GPU machine (docs/getting-started.md), or use --device cpu.");
            }
            try
            {
                return torch.device(name);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new CliException($"--device '{text}' is not a device; use cpu, cuda or cuda:N.");
            }
        }
        throw new CliException($"--device '{text}' is not a device; use cpu, cuda or cuda:N.");
    }

    /// <summary>Opens and validates the data folder, against the benchmark's descriptor when one is given.</summary>
    public static ImageFolderDataset OpenData(string root, DatasetDescriptor? expected)
    {
        if (!Directory.Exists(root)) throw new CliException($"--data '{root}' is not a folder; expected ROOT/<domain>/<class>/<image>.");
        return ImageFolderDataset.Open(root, new ImageFolderOptions { Expected = expected });
    }

    /// <summary>Checks the teacher's files (cheap) before the data set is decoded.</summary>
    public static (string Weights, ClipConfig? Config, string Vocabulary) CheckFiles(string weights, string? config, string? vocab)
    {
        ModelFiles.RequireFile(weights, "--teacher-weights");
        if (config is not null) ModelFiles.RequireFile(config, "--teacher-config");
        var clipConfig = config is null ? null : ClipConfig.FromJsonFile(config);
        return (weights, clipConfig, ModelFiles.ResolveVocabulary(vocab, weights));
    }

    /// <summary>Loads the frozen CLIP teacher for the data set's classes on the device; it sees the student's (ImageNet-normalised) images.</summary>
    public static ClipTeacher LoadTeacher((string Weights, ClipConfig? Config, string Vocabulary) files, IReadOnlyList<string> classes, Device device, int imageSize)
    {
        var teacher = ClipTeacher.Load(files.Weights, classes, new ClipTeacherOptions
        {
            VocabularyPath = files.Vocabulary,
            Config = files.Config,
            Checkpoint = new ClipCheckpointOptions { Device = device },
        });
        if (teacher.ImageResolution != imageSize)
        {
            int resolution = teacher.ImageResolution;
            teacher.Dispose();
            throw new CliException($"--image-size {imageSize} differs from the teacher's resolution {resolution} ('{files.Weights}'); " +
                                   $"the teacher sees the student's augmented images, so pass --image-size {resolution}.");
        }
        return teacher;
    }

    /// <summary>
    /// Opens the cache of this teacher and augmentation under <paramref name="root"/>: the folder is named by a fingerprint
    /// of <see cref="ClipTeacher.Fingerprint"/> and the augmentation options, so another teacher or image size gets its own folder.
    /// </summary>
    public static TeacherEmbeddingCache OpenCache(string root, ClipTeacher teacher, int imageSize)
    {
        string fingerprint = TeacherFingerprint.Compute([], teacher.Fingerprint, new AugmentationOptions { Size = imageSize });
        return TeacherEmbeddingCache.Open(Path.Combine(root, fingerprint), fingerprint, teacher.EmbeddingDim);
    }
}
