using System.Security.Cryptography;
using System.Text;

namespace VL2V.Distillation.Internal;

/// <summary>
/// DomainBed's <c>misc.seed_hash(*args)</c>: the MD5 of Python's <c>str(args)</c> for a tuple of integers, taken
/// modulo 2^31. Stable across processes and machines (unlike <see cref="string.GetHashCode()"/>).
/// </summary>
internal static class DomainBedSeed
{
    public static int Hash(params long[] values)
    {
        // str((0, 1)) == "(0, 1)"; str((5,)) == "(5,)".
        var text = values.Length == 1
            ? $"({values[0]},)"
            : "(" + string.Join(", ", values) + ")";
        byte[] digest = MD5.HashData(Encoding.UTF8.GetBytes(text));
        // int(hexdigest, 16) % 2**31 keeps the low 31 bits of the big-endian 128-bit number.
        uint low = (uint)(digest[12] << 24 | digest[13] << 16 | digest[14] << 8 | digest[15]);
        return (int)(low & 0x7fffffff);
    }
}
