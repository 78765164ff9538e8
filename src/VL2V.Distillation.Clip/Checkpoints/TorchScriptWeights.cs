using System.IO.Compression;

namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>
/// Reads the parameters and buffers of a TorchScript archive (OpenAI's released <c>.pt</c> CLIP files) with
/// libtorch's <c>torch.jit.load</c>: the archive's <c>data.pkl</c> is a module tree, not a state dict.
/// </summary>
internal static class TorchScriptWeights
{
    /// <summary>Whether the file is a ZIP archive with TorchScript records (<c>&lt;root&gt;/constants.pkl</c> or <c>&lt;root&gt;/code/</c>).</summary>
    public static bool IsTorchScript(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || magic[0] != 0x50 || magic[1] != 0x4B) return false;
        stream.Seek(0, SeekOrigin.Begin);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            return zip.Entries.Any(e =>
            {
                int slash = e.FullName.IndexOf('/');
                if (slash < 0) return false;
                string rest = e.FullName[(slash + 1)..];
                return rest == "constants.pkl" || rest.StartsWith("code/", StringComparison.Ordinal);
            });
        }
        catch (InvalidDataException)
        {
            return false; // not a readable ZIP: StateDictFile reports it properly
        }
    }

    /// <summary>The archive's <c>state_dict()</c> (parameters and buffers, dotted names), copied to the CPU.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        torch.jit.ScriptModule module;
        try
        {
            module = torch.jit.load(path, DeviceType.CPU);
        }
        catch (Exception ex)
        {
            throw new InvalidDataException(
                $"Cannot read TorchScript archive '{path}': torch.jit.load failed ({ex.GetType().Name}: {ex.Message}).", ex);
        }
        using (module)
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, tensor) in module.state_dict())
            {
                result[key] = tensor.detach().clone();
            }
            return result;
        }
    }
}
