using System.Text.Json;

namespace VL2V.Distillation.Tests.TestSupport;

/// <summary>Reads the reference values that Fixtures/make_golden.py computed with PyTorch and NumPy.</summary>
internal static class Golden
{
    public static JsonElement Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static Tensor Float(JsonElement matrix)
    {
        if (matrix.ValueKind == JsonValueKind.Number) return torch.tensor((float)matrix.GetDouble());
        var rows = matrix.EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        return torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
    }

    public static Tensor Long(JsonElement vector) =>
        torch.tensor(vector.EnumerateArray().Select(v => v.GetInt64()).ToArray());

    public static int[] Ints(JsonElement vector) => vector.EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
