using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VL2V.Distillation.Teachers;

/// <summary>
/// Makes the fingerprint of a <see cref="TeacherEmbeddingCache"/>: a hash of everything besides the image and its view
/// that changes the teacher's embeddings, i.e. the teacher's weight files (by content) and its settings.
/// </summary>
public static class TeacherFingerprint
{
    /// <summary>Hashes weight files (their bytes, not their names) and settings into a 32-character lowercase hex string.</summary>
    /// <param name="weightFiles">The teacher's weight files, in a fixed order.</param>
    /// <param name="settings">Everything else the embeddings depend on, in a fixed order, each serialised as JSON: e.g. the
    /// <see cref="Data.AugmentationOptions"/> (size, crop, jitter, normalisation), the teacher's preprocessing options, a model name.</param>
    /// <returns>The fingerprint, usable as a folder name.</returns>
    /// <exception cref="FileNotFoundException">A weight file does not exist.</exception>
    public static string Compute(IEnumerable<string> weightFiles, params object[] settings)
    {
        ArgumentNullException.ThrowIfNull(weightFiles);
        ArgumentNullException.ThrowIfNull(settings);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in weightFiles)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"The teacher weight file '{file}' does not exist.", file);
            using var stream = File.OpenRead(file);
            hash.AppendData(Encoding.UTF8.GetBytes("file:"));
            hash.AppendData(SHA256.HashData(stream));
        }
        foreach (var setting in settings)
        {
            // The type name separates settings of different kinds that serialise alike.
            hash.AppendData(Encoding.UTF8.GetBytes($"setting:{setting?.GetType().FullName}:"));
            hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(setting, setting?.GetType() ?? typeof(object)));
            hash.AppendData([0]);
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..32].ToLowerInvariant();
    }
}
