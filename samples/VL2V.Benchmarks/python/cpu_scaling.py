"""Checks whether the machine gives a second process a second core right now: the same two CPU-bound jobs in one
process and in two. On an idle 2-core machine two processes take about half the time; if they do not, multi-worker
rows measured at that moment say nothing about the libraries.

    /usr/bin/python3 samples/VL2V.Benchmarks/python/cpu_scaling.py
"""
import multiprocessing
import time


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


if __name__ == "__main__":
    for processes in (1, 2, 1, 2):
        t0 = time.perf_counter()
        with multiprocessing.Pool(processes) as pool:
            pool.map(spin, [10_000_000] * 2)
        print(f"{processes} process{'es' if processes > 1 else ''}: 2 equal jobs in {time.perf_counter() - t0:.2f} s")
