using System.Runtime.InteropServices;

namespace VL2V.Benchmarks;

/// <summary>What the numbers were measured on: printed before every benchmark.</summary>
public static class MachineInfo
{
    /// <summary>Writes the machine, runtime and libtorch settings to standard output.</summary>
    public static void Print()
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {CpuModel()}, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"runtime: .NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version}, " +
            $"torch threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), server GC {System.Runtime.GCSettings.IsServerGC}");
    }

    /// <summary>The process's peak resident set size (VmHWM) in MiB, or null where /proc is unavailable.</summary>
    public static double? PeakRssMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "CPU model unknown" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "CPU model unknown";
        }
    }
}
