"""Timing and reporting shared by the Python counterparts of VL2V.Benchmarks (same procedure as Stopwatches.cs):
untimed warm-up calls, then N timed calls; the best (least disturbed) and the range are reported."""
import argparse
import gc
import os
import platform
import sys
import time


def parse_args(description, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="small work and 1 repetition: checks that it runs, not for publishing")
    p.add_argument("--reps", type=int, default=None, help="timed repetitions per row (default 5, quick 1)")
    p.add_argument("--warmup", type=int, default=1, help="untimed repetitions per row (default 1)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads for model benchmarks (default 2)")
    if extra:
        extra(p)
    a = p.parse_args()
    if a.reps is None:
        a.reps = 1 if a.quick else 5
    if a.reps < 1 or a.warmup < 0 or a.threads < 1:
        p.error("--reps and --threads must be >= 1, --warmup >= 0")
    return a


def machine_info(torch):
    cpu = "CPU model unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import numpy
    print(f"machine: {os.cpu_count()} logical CPUs, {cpu}, {platform.platform()}")
    blas = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    print(f"runtime: Python {platform.python_version()}, torch {torch.__version__}, numpy {numpy.__version__}, "
          f"torch threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), libblas.so.3 -> {blas}")


def measure(name, unit, work, warmup, reps, body):
    for _ in range(warmup):
        body()
        gc.collect()
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        body()
        seconds.append(time.perf_counter() - t0)
        gc.collect()
    print(f"  {name}: {' '.join(f'{s:.3f}' for s in seconds)} s", file=sys.stderr)
    return dict(name=name, unit=unit, work=work, seconds=seconds)


def print_peak_rss():
    """The process's peak resident set size (ru_maxrss, KiB on Linux = VmHWM); DataLoader workers are not included."""
    import resource
    print(f"peak RSS of the process (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def print_table(title, rows):
    print()
    print(f"### {title}")
    print()
    print("| Benchmark | Work / rep | Best s | Best rate | Range of rate | Reps |")
    print("|---|---|---|---|---|---|")
    for m in rows:
        best, worst = min(m["seconds"]), max(m["seconds"])
        u = m["unit"]
        print(f"| {m['name']} | {m['work']:g} {u} | {best:.3f} | {m['work'] / best:.2f} {u}/s | "
              f"{m['work'] / worst:.2f}–{m['work'] / best:.2f} | {len(m['seconds'])} |")
    print_peak_rss()
