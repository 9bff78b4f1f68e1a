#!/usr/bin/env python3
"""MLCore vs onnxruntime on the real-world neural networks, side by side, interleaved in rounds.

For each model (datasets/realworld/<name>/: model.onnx, inputs/*.npy, meta.json) and batch 1 and 8, one round
measures MLCore (`bench inference --scenario single-stream` for batch 1, `multi-stream` for batch 8: LoadGen's
multi-stream query is 8 consecutive samples, run as one batch of 8) and onnxruntime (in-process `session.run`,
intra- and inter-op threads as given, sequential, all optimizations) on the same inputs: each input tiled along
axis 0 to 8 rows. The systems alternate which goes first from round to round. Per model and batch: the median over
rounds of each system's p50 latency, the ratio MLCore/onnxruntime (median over rounds, with its range), the
geometric mean of the ratios; then resnet50 batch 8 at 2 threads against 1 for both systems.

Usage: nn_side_by_side.py --bench .build/release/bench --models-dir datasets/realworld [--quick] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "bert_small", "lstm_bidirectional"]
BATCHES = [1, 8]


def tiled_inputs(model_dir: str, rows: int, out_dir: str) -> dict[str, str]:
    """Each input of meta.json tiled along axis 0 to `rows` rows, as .npy files in out_dir."""
    meta = json.load(open(os.path.join(model_dir, "meta.json")))
    files = {}
    for name, info in meta["inputs"].items():
        a = np.load(os.path.join(model_dir, info["file"]))
        reps = -(-rows // a.shape[0])
        t = np.ascontiguousarray(np.concatenate([a] * reps, axis=0)[:rows])
        path = os.path.join(out_dir, f"{os.path.basename(model_dir)}-{name}.npy")
        np.save(path, t)
        files[name] = path
    return files


def mlcore_p50(bench: str, model: str, files: dict[str, str], batch: int, threads: int, min_time: float,
               min_queries: int, report: str) -> float:
    scenario = "single-stream" if batch == 1 else "multi-stream"
    cmd = [bench, "inference", "--model", model, "--scenario", scenario, "--threads", str(threads),
           "--min-duration", str(min_time), "--min-queries", str(min_queries), "--warmup-queries", "2", "--report", report]
    for name, path in files.items():
        cmd += ["--feed", f"{name}={path}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    r = json.load(open(report))
    for res in r["results"]:
        if res["system"] == "mlcore-onnx" and res["name"] == "latency_p50":
            assert res["params"]["samples"] == str(int(res["params"]["queries"]) * batch), res["params"]
            return res["value"]
    raise RuntimeError(f"no latency_p50 in {report}")


def ort_session(model: str, threads: int) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, o, providers=["CPUExecutionProvider"])


def ort_p50(sess: ort.InferenceSession, files: dict[str, str], batch: int, min_time: float, min_queries: int) -> float:
    """p50 latency in us of session.run on consecutive batches of `batch` rows (as LoadGen queries them)."""
    arrays = {n: np.load(p) for n, p in files.items()}
    rows = next(iter(arrays.values())).shape[0]
    feeds = [{n: np.ascontiguousarray(a[i:i + batch]) for n, a in arrays.items()} for i in range(0, rows, batch)]
    for f in feeds[:2]:
        sess.run(None, f)
    times = []
    start = time.perf_counter()
    i = 0
    while len(times) < min_queries or time.perf_counter() - start < min_time:
        f = feeds[i % len(feeds)]
        t0 = time.perf_counter_ns()
        sess.run(None, f)
        times.append((time.perf_counter_ns() - t0) / 1e3)
        i += 1
    return statistics.median(times)


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--quick", action="store_true", help="2 rounds of at least 1 s (about 3 minutes)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--min-time", type=float)
    ap.add_argument("--json")
    ap.add_argument("--models", help="comma-separated subset of " + ",".join(MODELS) + " (resnet50 is needed for the 2-thread row)")
    args = ap.parse_args()
    models_run = args.models.split(",") if args.models else MODELS
    unknown = [m for m in models_run if m not in MODELS]
    if unknown:
        ap.error(f"unknown model(s) {unknown}; choose from {MODELS}")
    rounds = args.rounds or (2 if args.quick else 3)
    min_time = args.min_time or (1.0 if args.quick else 3.0)
    min_queries = 3 if args.quick else 10
    work = tempfile.mkdtemp(prefix="mlcore-nn-peers-")
    report = os.path.join(work, "report.json")
    started = time.time()

    inputs = {m: tiled_inputs(os.path.join(args.models_dir, m), 8, work) for m in models_run}
    models = {m: os.path.join(args.models_dir, m, "model.onnx") for m in models_run}
    sessions = {(m, 1): ort_session(models[m], 1) for m in models_run}
    cases = [(m, b, 1) for m in models_run for b in BATCHES]
    if "resnet50" in models_run:
        sessions[("resnet50", 2)] = ort_session(models["resnet50"], 2)
        cases.append(("resnet50", 8, 2))
    samples: dict[tuple, dict[str, list[float]]] = {c: {"mlcore": [], "onnxruntime": []} for c in cases}
    for r in range(rounds):
        for c in cases:
            m, b, t = c
            print(f"round {r + 1}/{rounds}: {m} batch {b} threads {t}", file=sys.stderr)
            order = ["mlcore", "onnxruntime"] if r % 2 == 0 else ["onnxruntime", "mlcore"]
            for system in order:
                if system == "mlcore":
                    v = mlcore_p50(args.bench, models[m], inputs[m], b, t, min_time, min_queries, report)
                else:
                    v = ort_p50(sessions[(m, t)], inputs[m], b, min_time, min_queries)
                samples[c][system].append(v)

    rows = []
    for c in cases:
        m, b, t = c
        s = samples[c]
        ratios = [a / o for a, o in zip(s["mlcore"], s["onnxruntime"])]
        rows.append({"model": m, "batch": b, "threads": t,
                     "mlcore_p50_us": statistics.median(s["mlcore"]), "onnxruntime_p50_us": statistics.median(s["onnxruntime"]),
                     "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
                     "mlcore_rounds_us": s["mlcore"], "onnxruntime_rounds_us": s["onnxruntime"]})
    one = [r for r in rows if r["threads"] == 1]
    gm = geomean([r["ratio"] for r in one])
    r1 = next((r for r in rows if r["model"] == "resnet50" and r["batch"] == 8 and r["threads"] == 1), None)
    r2 = next((r for r in rows if r["model"] == "resnet50" and r["batch"] == 8 and r["threads"] == 2), None)
    scaling = None
    if r1 and r2:
        scaling = {"mlcore": r1["mlcore_p50_us"] / r2["mlcore_p50_us"], "onnxruntime": r1["onnxruntime_p50_us"] / r2["onnxruntime_p50_us"]}

    print(f"MLCore vs onnxruntime {ort.__version__}, 1 thread, p50 latency per query (median of {rounds} interleaved rounds "
          f"of at least {min_time:g} s each); ratio = MLCore / onnxruntime (lower is better for MLCore), range over rounds.")
    print()
    print("| model | batch | MLCore p50 (ms) | onnxruntime p50 (ms) | MLCore / ORT | range |")
    print("|---|---:|---:|---:|---:|---|")
    for r in one:
        print(f"| {r['model']} | {r['batch']} | {r['mlcore_p50_us'] / 1e3:.3f} | {r['onnxruntime_p50_us'] / 1e3:.3f} | "
              f"{r['ratio']:.2f} | {r['ratio_min']:.2f}-{r['ratio_max']:.2f} |")
    print(f"| **geometric mean** | | | | **{gm:.2f}** | |")
    print()
    if scaling:
        print(f"resnet50 batch 8, 2 threads vs 1 (speed-up of p50): MLCore {scaling['mlcore']:.2f}x "
              f"({r2['mlcore_p50_us'] / 1e3:.1f} ms), onnxruntime {scaling['onnxruntime']:.2f}x ({r2['onnxruntime_p50_us'] / 1e3:.1f} ms); "
              f"MLCore / ORT at 2 threads {r2['ratio']:.2f} ({r2['ratio_min']:.2f}-{r2['ratio_max']:.2f})")
    print(f"(total {time.time() - started:.0f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"onnxruntime": ort.__version__, "rounds": rounds, "min_time_s": min_time, "rows": rows,
                       "geomean_ratio": gm, "resnet50_batch8_2v1_speedup": scaling}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
