#!/usr/bin/env python3
"""pandas.read_csv beside MLCore's CSVBench on the same files: MB/s (wall and CPU) and the ratio.

  pandas_read_csv.py MLCORE_JSON FILE... [--repeats 7]

MLCORE_JSON is `CSVBench --json` output for the same files. pandas is timed like CSVBench: one untimed read, then
`--repeats` timed reads of the file (in the page cache), median [min..max]; MB = 10^6 bytes. Two pandas variants:
the default (C engine, float64/int64 columns) and dtype=float32 (the type MLCore reads into). CPU time is the
process's (time.process_time, all threads: pandas 3 tokenizes in a helper thread, so run this under
`taskset -c N` for a 1-core figure, as scripts/bench-csv-peers.sh does). The ratio is MLCore MB/s over the faster
pandas variant's MB/s.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import pandas as pd


def measure(path: str, repeats: int, **kwargs) -> dict:
    pd.read_csv(path, **kwargs)
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, **kwargs)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        del frame
    return {"wall": wall, "cpu": cpu}


def rate(size: int, seconds: list[float]) -> tuple[float, float, float]:
    return size / statistics.median(seconds) / 1e6, size / max(seconds) / 1e6, size / min(seconds) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mlcore_json")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    mlcore = {r["file"]: r for r in json.load(open(args.mlcore_json)) if r["loader"] == "NumericCSV"}
    import os
    cpus = sorted(os.sched_getaffinity(0))
    print(f"pandas {pd.__version__}, numpy {np.__version__}; CPUs allowed: {cpus}; median [min..max] of {args.repeats} reads "
          "after one untimed read; MB = 10^6 bytes")
    header = f"{'file':<34} {'MB':>6}  {'loader':<22} {'wall MB/s':>24} {'cpu MB/s':>24}"
    print(header)
    print("-" * len(header))
    for path in args.files:
        m = mlcore[path]
        size = m["bytes"]
        rows = {
            "MLCore NumericCSV": {"wall": (m["mbPerSecond"]["median"], m["mbPerSecond"]["min"], m["mbPerSecond"]["max"]),
                                   "cpu": (m["mbPerCPUSecond"]["median"], m["mbPerCPUSecond"]["min"], m["mbPerCPUSecond"]["max"])},
        }
        for name, kwargs in (("pandas read_csv", {}), ("pandas dtype=float32", {"dtype": np.float32})):
            t = measure(path, args.repeats, **kwargs)
            rows[name] = {"wall": rate(size, t["wall"]), "cpu": rate(size, t["cpu"])}
        short = path if len(path) <= 34 else "..." + path[-31:]
        for name, r in rows.items():
            w, c = r["wall"], r["cpu"]
            print(f"{short:<34} {size / 1e6:>6.1f}  {name:<22} {w[0]:>8.1f} [{w[1]:.1f}..{w[2]:.1f}] "
                  f"{c[0]:>8.1f} [{c[1]:.1f}..{c[2]:.1f}]")
            short = ""
        best_wall = max(rows[n]["wall"][0] for n in rows if n.startswith("pandas"))
        best_cpu = max(rows[n]["cpu"][0] for n in rows if n.startswith("pandas"))
        print(f"{'':<34} {'':>6}  ratio MLCore / best pandas: wall {rows['MLCore NumericCSV']['wall'][0] / best_wall:.2f}x, "
              f"cpu {rows['MLCore NumericCSV']['cpu'][0] / best_cpu:.2f}x")


if __name__ == "__main__":
    main()
