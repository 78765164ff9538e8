using System.Runtime.InteropServices;

namespace VL2V.Distillation.Internal;

/// <summary>
/// Returns freed native memory to the operating system. TorchSharp frees tensors with malloc's free, and glibc keeps
/// the freed blocks, so resident memory of a long training run creeps up even when no tensor leaks
/// (../shared/docs/TOOLCHAIN.md §7: 805 → 191 MiB after <c>malloc_trim(0)</c>).
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    /// <summary>Calls glibc's <c>malloc_trim(0)</c> on Linux; does nothing elsewhere or where it does not exist (musl).</summary>
    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the whole assembly; one blittable call does not.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
