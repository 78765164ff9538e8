namespace VL2V.Distillation.Clip.Embedded;

/// <summary>Where an <see cref="EmbeddedTeacher"/> came from and how its pretraining went.</summary>
/// <param name="CacheKey">The hex key of (format, generator seed and image size, model configuration, vocabulary, budget).</param>
/// <param name="LoadedFromCache">Whether the weights were read from the cache instead of trained in this call.</param>
/// <param name="Budget">The pretraining budget.</param>
/// <param name="GeneratorSeed">The SynthDG seed of the pretraining images.</param>
/// <param name="ImageSize">The SynthDG image size of the pretraining images.</param>
/// <param name="TrainingSeconds">Wall-clock seconds of the pretraining when it ran (as recorded in the metadata when loaded).</param>
/// <param name="InitialLoss">Mean contrastive loss of the first 10 % of steps (ln B at chance).</param>
/// <param name="FinalLoss">Mean contrastive loss of the last 10 % of steps.</param>
/// <param name="WeightsPath">The cached <c>.safetensors</c> file, or <see langword="null"/> when not cached.</param>
public sealed record EmbeddedTeacherInfo(
    string CacheKey,
    bool LoadedFromCache,
    EmbeddedTeacherBudget Budget,
    long GeneratorSeed,
    int ImageSize,
    double TrainingSeconds,
    double InitialLoss,
    double FinalLoss,
    string? WeightsPath);
