using System.Text;

namespace VL2V.Distillation.Tests.Checkpoints;

/// <summary>
/// Builds safetensors files byte by byte for tests: <c>[u64 LE header length][JSON header padded with spaces][data]</c>.
/// The header is given verbatim, so tests can write malformed headers too.
/// </summary>
internal static class SafetensorsBytes
{
    public static byte[] Build(string headerJson, byte[] data, ulong? headerLengthOverride = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BitConverter.GetBytes(headerLengthOverride ?? (ulong)padded).CopyTo(bytes, 0);
        header.CopyTo(bytes, 8);
        for (int i = 8 + header.Length; i < 8 + padded; i++) bytes[i] = (byte)' ';
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
