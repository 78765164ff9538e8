// VL2V.Benchmarks: speed of the library's data layer and models on CPU, side by side with PyTorch doing the same
// work (python/). Results and the exact commands are in docs/performance.md.
//
//   dotnet run -c Release --project samples/VL2V.Benchmarks -- data [--quick] [--reps N] [--folder DIR]
//   dotnet run -c Release --project samples/VL2V.Benchmarks -- train [--quick] [--batch B] [--vocab FILE]
//   dotnet run -c Release --project samples/VL2V.Benchmarks -- memory [--quick]
using VL2V.Benchmarks;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

torch.set_num_threads(options.Threads);
MachineInfo.Print();
Console.WriteLine($"benchmark: {options.Benchmark}{(options.Quick ? " (quick: not for publishing)" : "")}, " +
    $"warm-up {options.Warmup}, timed repetitions {options.Repetitions}, best of them reported");
try
{
    switch (options.Benchmark)
    {
        case "data":
            DataBenchmark.Run(options);
            break;
        case "clip":
            ClipBenchmark.Run(options);
            break;
        case "student":
            StudentBenchmark.Run(options);
            break;
        case "train":
            TrainBenchmark.Run(options);
            break;
        case "memory":
            MemoryBenchmark.Run(options);
            break;
        case "optimizer":
            OptimizerBenchmark.Run(options);
            break;
        case "images":
            if (options.Folder is null)
            {
                Console.Error.WriteLine("images needs --folder DIR.");
                return 2;
            }
            SyntheticImageFolder.Ensure(options.Folder, options.Quick ? 4 : 30);
            Console.WriteLine($"folder: {Path.GetFullPath(options.Folder)}");
            break;
    }
}
catch (IOException e)
{
    // e.g. --folder names a folder that is not a complete benchmark folder of this size
    Console.Error.WriteLine(e.Message);
    return 1;
}
if (MachineInfo.PeakRssMiB() is { } peak)
    Console.WriteLine($"peak RSS of the process (VmHWM): {peak:F0} MiB");
return 0;
