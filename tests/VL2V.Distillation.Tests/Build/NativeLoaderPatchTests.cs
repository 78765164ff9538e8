using System.Runtime.InteropServices;
using System.Text;

namespace VL2V.Distillation.Tests.Build;

/// <summary>
/// The build marks libLibTorchSharp.so's GLIBCXX_3.4.32 version need weak (see docs/troubleshooting.md). These
/// tests read the patched library in the test output folder and check the flag, and that TorchSharp loads.
/// </summary>
public sealed class NativeLoaderPatchTests
{
    [Fact]
    public void LibTorchSharp_Glibcxx3432NeedIsWeakInOutputFolder()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return; // the patch only applies to Linux builds
        var path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(path).Should().BeTrue($"the CPU backend copies the native glue to {path}");

        var needs = ReadVersionNeeds(File.ReadAllBytes(path));
        needs.Should().ContainKey("GLIBCXX_3.4.32", "TorchSharp 0.107's glue was linked against GCC 13's libstdc++");
        (needs["GLIBCXX_3.4.32"] & 0x2).Should().Be(0x2, "VER_FLG_WEAK must be set so glibc accepts an older libstdc++");
        needs.Where(kv => kv.Key != "GLIBCXX_3.4.32").Should().OnlyContain(kv => (kv.Value & 0x2) == 0,
            "no other version need may be weakened");
    }

    [Fact]
    public void TorchSharp_LoadsAndComputes()
    {
        using var scope = torch.NewDisposeScope();
        torch.ones(2, 3).sum().ToDouble().Should().Be(6);
    }

    /// <summary>Independent reader of .gnu.version_r (ELF64 LE): version name → flags.</summary>
    private static Dictionary<string, int> ReadVersionNeeds(byte[] elf)
    {
        var result = new Dictionary<string, int>();
        var span = elf.AsSpan();
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            var sh = span.Slice((int)(shoff + i * shentsize), shentsize);
            if (BitConverter.ToUInt32(sh[4..]) != 0x6ffffffe) continue; // SHT_GNU_verneed
            var strtab = span.Slice((int)(shoff + BitConverter.ToUInt32(sh[40..]) * shentsize), shentsize);
            long strings = BitConverter.ToInt64(strtab[24..]);
            long entry = BitConverter.ToInt64(sh[24..]);
            for (uint n = 0, count = BitConverter.ToUInt32(sh[44..]); n < count; n++)
            {
                long aux = entry + BitConverter.ToUInt32(span[(int)(entry + 8)..]);
                for (int k = 0; k < BitConverter.ToUInt16(span[(int)(entry + 2)..]); k++)
                {
                    int flags = BitConverter.ToUInt16(span[(int)(aux + 4)..]);
                    int name = (int)(strings + BitConverter.ToUInt32(span[(int)(aux + 8)..]));
                    result[Encoding.ASCII.GetString(elf, name, Array.IndexOf(elf, (byte)0, name) - name)] = flags;
                    aux += BitConverter.ToUInt32(span[(int)(aux + 12)..]);
                }
                entry += BitConverter.ToUInt32(span[(int)(entry + 12)..]);
            }
        }
        return result;
    }
}
