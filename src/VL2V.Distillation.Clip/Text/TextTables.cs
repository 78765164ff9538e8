using System.Globalization;
using System.Text;

namespace VL2V.Distillation.Clip.Text;

/// <summary>Reads the embedded data tables written by <c>Text/Data/make_text_tables.py</c> (KEY, tab, hex code points).</summary>
internal static class TextTables
{
    /// <summary>The table as key → string.</summary>
    public static Dictionary<string, string> Load(string fileName)
    {
        var name = "VL2V.Distillation.Clip.Text." + fileName;
        using var stream = typeof(TextTables).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(TextTables).Assembly.GetName().Name}; the package is damaged.");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var tab = line.IndexOf('\t');
            var sb = new StringBuilder();
            foreach (var hex in line[(tab + 1)..].Split(' '))
            {
                sb.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)));
            }
            result[line[..tab]] = sb.ToString();
        }
        return result;
    }
}
