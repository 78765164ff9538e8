using System.Text;
using System.Text.Json;

namespace VL2V.Cli.Commands;

/// <summary>Reads the JSON inputs and writes JSON outputs atomically.</summary>
internal static class JsonFiles
{
    /// <summary>Reads a file holding a JSON array of strings.</summary>
    public static List<string> ReadStrings(string path, string option)
    {
        ModelFiles.RequireFile(path, option);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (JsonException e)
        {
            throw new CliException($"{option} '{path}' is not valid JSON ({e.Message}); it must hold a JSON array of strings such as [\"a photo of a dog\"].");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliException($"{option} '{path}' holds a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, but must hold an array of strings such as [\"a photo of a dog\"].");
            }
            var result = new List<string>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw new CliException($"{option} '{path}': element {result.Count} is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, but every element must be a string.");
                }
                result.Add(item.GetString()!);
            }
            return result;
        }
    }

    /// <summary>Writes UTF-8 JSON to a temporary file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteAtomically(string path, bool indented, Action<Utf8JsonWriter> write)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            write(writer);
        });
    }
}
