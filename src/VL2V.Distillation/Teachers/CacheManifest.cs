using System.Text.Json;
using System.Text.Json.Serialization;

namespace VL2V.Distillation.Teachers;

/// <summary>The <c>manifest.json</c> of a cache folder: what every shard in it was computed with.</summary>
internal sealed record CacheManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("format_version")] int FormatVersion,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("embedding_dim")] long EmbeddingDim,
    [property: JsonPropertyName("dtype")] string DType)
{
    public const string FileName = "manifest.json";
    public const string CacheFormat = "vl2v-teacher-cache";
    public const int CurrentVersion = 1;

    public ScalarType ScalarType => DType == "F16" ? ScalarType.Float16 : ScalarType.Float32;

    public static CacheManifest? TryRead(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        CacheManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CacheManifest>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The teacher cache manifest '{path}' is not valid JSON ({e.Message}). Delete the cache folder and build it again.", e);
        }
        if (manifest is null || manifest.Format != CacheFormat || manifest.Fingerprint is null || manifest.EmbeddingDim < 1
            || manifest.DType is not ("F32" or "F16"))
        {
            throw new InvalidDataException(
                $"The teacher cache manifest '{path}' is not a '{CacheFormat}' manifest with a fingerprint, embedding_dim ≥ 1 and dtype F32 or F16. " +
                "Delete the cache folder and build it again.");
        }
        if (manifest.FormatVersion != CurrentVersion)
        {
            throw new InvalidDataException(
                $"The teacher cache '{folder}' has format version {manifest.FormatVersion}, but this library reads version {CurrentVersion}. " +
                "Build the cache again in a new folder.");
        }
        return manifest;
    }

    /// <summary>Writes the manifest if the folder has none (atomically); returns the manifest now in the folder.</summary>
    public static CacheManifest CreateOrRead(string folder, CacheManifest wanted)
    {
        string path = Path.Combine(folder, FileName);
        if (TryRead(folder) is { } existing) return existing;
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(wanted, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its manifest is the one that counts.
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return TryRead(folder)!;
    }
}
