#!/usr/bin/env python3
"""onnxruntime peer for `bench inference`: batch-1 latency and batch-N throughput, single-threaded.

For each model: p50/p90/p99 latency of one-row `session.run` calls (rows taken in order from the input CSV,
as MLCore's single-stream scenario does) for at least --min-time seconds, and rows/s of one call on the whole
input (--batch rows, default all). Python's own per-call cost is measured on an Identity model of the same
input width and printed beside the figures, so the comparison with MLCore's in-process calls is fair.

Usage: ort_inference.py --input X.csv MODEL.onnx... [--min-time 5] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper


def session(model_bytes: bytes) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model_bytes, o, providers=["CPUExecutionProvider"])


def identity_model(width: int) -> bytes:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, width])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, width])
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    return m.SerializeToString()


def latencies(sess: ort.InferenceSession, rows: list[np.ndarray], min_time: float) -> list[float]:
    name = sess.get_inputs()[0].name
    for r in rows[:10]:
        sess.run(None, {name: r})
    out = []
    start = time.perf_counter()
    i = 0
    while len(out) < 100 or time.perf_counter() - start < min_time:
        r = rows[i % len(rows)]
        t0 = time.perf_counter_ns()
        sess.run(None, {name: r})
        out.append((time.perf_counter_ns() - t0) / 1e3)
        i += 1
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(1, min(len(s), int(np.ceil(p / 100 * len(s)))))
    return s[k - 1]


def throughput(sess: ort.InferenceSession, x: np.ndarray, min_time: float) -> dict:
    name = sess.get_inputs()[0].name
    sess.run(None, {name: x})
    rates = []
    start = time.perf_counter()
    while len(rates) < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        sess.run(None, {name: x})
        rates.append(x.shape[0] / (time.perf_counter() - t0))
    return {"rows_per_second_median": statistics.median(rates), "min": min(rates), "max": max(rates), "repeats": len(rates)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--input", required=True)
    ap.add_argument("--min-time", type=float, default=5.0)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    x = np.loadtxt(a.input, delimiter=",", skiprows=1, dtype=np.float32)
    if a.batch:
        x = x[: a.batch]
    rows = [x[i : i + 1] for i in range(x.shape[0])]
    empty = session(identity_model(x.shape[1]))
    empty_lat = latencies(empty, rows, min(a.min_time, 2.0))
    report = {"onnxruntime": ort.__version__, "threads": 1, "rows": int(x.shape[0]),
              "empty_call_us": {"p50": pct(empty_lat, 50), "p99": pct(empty_lat, 99)}, "models": {}}
    for path in a.models:
        s = session(open(path, "rb").read())
        lat = latencies(s, rows, a.min_time)
        report["models"][path] = {
            "latency_us": {"p50": pct(lat, 50), "p90": pct(lat, 90), "p99": pct(lat, 99), "queries": len(lat)},
            "batch": throughput(s, x, a.min_time),
        }
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"onnxruntime {report['onnxruntime']}, 1 thread, empty call p50 {report['empty_call_us']['p50']:.1f} us")
        for path, m in report["models"].items():
            l = m["latency_us"]
            print(f"{path}: p50 {l['p50']:.1f} us, p99 {l['p99']:.1f} us; batch {x.shape[0]}: {m['batch']['rows_per_second_median']:.0f} rows/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
