"""Combines the tables of one or more run-all.sh outputs: for every (benchmark, side, row) the best rate over all
rounds and the range (slowest repetition .. fastest repetition), as used in docs/performance.md.

    /usr/bin/python3 samples/VL2V.Benchmarks/python/summarize.py bench-results.md [more.md ...]
"""
import re
import sys
from collections import OrderedDict

ROW = re.compile(r"^\| (?P<name>[^|]+?) \| (?P<work>[\d.]+) (?P<unit>\w+) \| (?P<best_s>[\d.]+) \| [\d.]+ \w+/s \| "
                 r"(?P<lo>[\d.]+)–(?P<hi>[\d.]+) \| (?P<reps>\d+) \|$")


def main(paths):
    rows = OrderedDict()
    table = None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("### "):
                    table = line[4:].split(",")[0]
                    continue
                m = ROW.match(line)
                if not m or table is None:
                    continue
                key = (table, m["name"])
                r = rows.setdefault(key, dict(unit=m["unit"], best_s=float("inf"), lo=float("inf"), hi=0.0, reps=0, runs=0))
                r["best_s"] = min(r["best_s"], float(m["best_s"]))
                r["lo"] = min(r["lo"], float(m["lo"]))
                r["hi"] = max(r["hi"], float(m["hi"]))
                r["reps"] += int(m["reps"])
                r["runs"] += 1
    print("| Table | Row | Best rate | Range | Best s | Reps (runs) |")
    print("|---|---|---|---|---|---|")
    for (table, name), r in rows.items():
        print(f"| {table} | {name} | {r['hi']:.2f} {r['unit']}/s | {r['lo']:.2f}–{r['hi']:.2f} | {r['best_s']:.3f} | "
              f"{r['reps']} ({r['runs']}) |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
