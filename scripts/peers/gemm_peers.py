#!/usr/bin/env python3
"""Single-threaded float32 GEMM throughput of peer libraries.

Measures C = A @ B for square n x n float32 matrices with

* NumPy: ``np.matmul(a, b, out=c)`` into a preallocated output, with NumPy's
  BLAS limited to one thread through threadpoolctl (``threadpool_limits(1)``);
* onnxruntime: a one-node ``MatMul`` model built in memory with
  ``onnx.helper``, run on the CPU provider with ``intra_op_num_threads=1``,
  ``inter_op_num_threads=1``, sequential execution and all graph
  optimizations. Inputs and a preallocated output are bound once with
  IOBinding (the cheapest per-call path, the analogue of NumPy's ``out=``);
  ``--ort-api run`` uses plain ``session.run`` instead.

For onnxruntime the cost of an "empty" call (an ``Identity`` model on a
1-element tensor, same API path) is measured too; results are given both raw
and with that per-call overhead subtracted from each call's time.

Timing: each case is warmed up, a batch size (calls per batch) is calibrated so
that a batch takes about ``--min-time / 20``, then batches are timed with
``time.perf_counter_ns`` until at least ``--min-time`` seconds and at least 5
batches have run. GFLOPS (2 n^3 flops per call) are reported as median, min and
max over the batches. Python's per-call overhead is part of every figure.

Run it with the peers env: ``.venv-peers/bin/python scripts/peers/gemm_peers.py``
(``--json`` for machine-readable output on stdout). This script never changes
OPENBLAS_CORETYPE; it only reports it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from typing import Callable

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from threadpoolctl import threadpool_info, threadpool_limits

MIN_BATCHES = 5
BATCHES_TARGET = 20  # aim for about this many batches within --min-time
WARMUP_S = 0.05


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


def _time_calls(fn: Callable[[], object], calls: int) -> int:
    """Run ``fn`` ``calls`` times; return the elapsed nanoseconds."""
    t0 = time.perf_counter_ns()
    for _ in range(calls):
        fn()
    return time.perf_counter_ns() - t0


def measure_ns_per_call(fn: Callable[[], object], min_time: float) -> list[float]:
    """Return the mean time per call (ns) of each timed batch of ``fn``.

    Warms up, calibrates the batch size, then times batches until at least
    ``min_time`` seconds and ``MIN_BATCHES`` batches have elapsed.
    """
    # Warm-up: at least two calls and WARMUP_S seconds.
    deadline = time.perf_counter_ns() + int(WARMUP_S * 1e9)
    fn()
    fn()
    while time.perf_counter_ns() < deadline:
        fn()

    # Calibrate: double the batch until it lasts long enough to time well.
    target_ns = max(min_time / BATCHES_TARGET, 1e-3) * 1e9
    calls = 1
    while True:
        elapsed = _time_calls(fn, calls)
        if elapsed >= target_ns:
            break
        scale = target_ns / elapsed if elapsed > 0 else 2.0
        calls = max(calls * 2, math.ceil(calls * min(scale, 100.0)))

    per_call: list[float] = []
    total_ns = 0
    min_total_ns = min_time * 1e9
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while total_ns < min_total_ns or len(per_call) < MIN_BATCHES:
            elapsed = _time_calls(fn, calls)
            total_ns += elapsed
            per_call.append(elapsed / calls)
    finally:
        if gc_was_enabled:
            gc.enable()
    return per_call


def gflops_stats(n: int, ns_per_call: list[float]) -> dict:
    """Median/min/max GFLOPS of a GEMM of size n from per-call times in ns."""
    flops = 2.0 * n**3
    rates = [flops / t for t in ns_per_call]  # flop/ns == GFLOPS
    return {
        "gflops_median": round(statistics.median(rates), 3),
        "gflops_min": round(min(rates), 3),
        "gflops_max": round(max(rates), 3),
    }


# --------------------------------------------------------------------------
# NumPy
# --------------------------------------------------------------------------


def numpy_blas_info() -> dict:
    """Describe the BLAS NumPy is linked to (as seen by threadpoolctl).

    ``num_threads`` is the count in force during the benchmark (1);
    ``num_threads_default`` the count outside ``threadpool_limits``.
    """
    blas = [m for m in threadpool_info() if m.get("user_api") == "blas"]
    if not blas:
        return {"internal_api": None, "version": None, "architecture": None,
                "num_threads": None, "num_threads_default": None, "filepath": None}
    # Prefer the library bundled with NumPy if several BLAS are loaded.
    mod = next((m for m in blas if "numpy" in m.get("filepath", "")), blas[0])
    with threadpool_limits(limits=1, user_api="blas"):
        limited = next(m for m in threadpool_info() if m.get("filepath") == mod.get("filepath"))
    return {
        "internal_api": mod.get("internal_api"),
        "version": mod.get("version"),
        "architecture": mod.get("architecture"),
        "num_threads": limited.get("num_threads"),
        "num_threads_default": mod.get("num_threads"),
        "threading_layer": mod.get("threading_layer"),
        "filepath": mod.get("filepath"),
    }


def bench_numpy(sizes: list[int], min_time: float, rng: np.random.Generator) -> list[dict]:
    results = []
    with threadpool_limits(limits=1):
        for n in sizes:
            a = rng.standard_normal((n, n), dtype=np.float32)
            b = rng.standard_normal((n, n), dtype=np.float32)
            c = np.empty((n, n), dtype=np.float32)
            matmul = np.matmul

            def call(a=a, b=b, c=c, matmul=matmul):
                matmul(a, b, out=c)

            per_call = measure_ns_per_call(call, min_time)
            results.append({"n": n, **gflops_stats(n, per_call), "repeats": len(per_call),
                            "us_per_call_median": round(statistics.median(per_call) / 1e3, 3)})
    return results


# --------------------------------------------------------------------------
# onnxruntime
# --------------------------------------------------------------------------


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only
    return ort.InferenceSession(model.SerializeToString(), sess_options=opts,
                                providers=["CPUExecutionProvider"])


def matmul_model(n: int) -> onnx.ModelProto:
    """One MatMul node: C[n,n] = A[n,n] @ B[n,n], float32."""
    a = helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n])
    b = helper.make_tensor_value_info("B", TensorProto.FLOAT, [n, n])
    c = helper.make_tensor_value_info("C", TensorProto.FLOAT, [n, n])
    graph = helper.make_graph([helper.make_node("MatMul", ["A", "B"], ["C"])],
                              f"gemm_{n}", [a, b], [c])
    model = helper.make_model(graph)
    onnx.checker.check_model(model)
    return model


def identity_model() -> onnx.ModelProto:
    """One Identity node on a 1-element float32 tensor (the "empty" call)."""
    x = helper.make_tensor_value_info("A", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("C", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["A"], ["C"])], "empty", [x], [y])
    model = helper.make_model(graph)
    onnx.checker.check_model(model)
    return model


def ort_caller(sess: ort.InferenceSession, inputs: dict[str, np.ndarray],
               out: np.ndarray, api: str) -> Callable[[], object]:
    """Return a zero-argument callable running ``sess`` once.

    ``api="iobinding"``: inputs and the preallocated ``out`` are bound once and
    each call is ``run_with_iobinding``. ``api="run"``: each call is
    ``sess.run`` with a feed dict (onnxruntime allocates the output).
    """
    if api == "run":
        feed = dict(inputs)
        run = sess.run
        return lambda: run(None, feed)
    binding = sess.io_binding()
    for name, arr in inputs.items():
        binding.bind_input(name, "cpu", 0, arr.dtype, list(arr.shape), arr.ctypes.data)
    binding.bind_output("C", "cpu", 0, out.dtype, list(out.shape), out.ctypes.data)
    run_with_iobinding = sess.run_with_iobinding
    return lambda: run_with_iobinding(binding)


def bench_ort(sizes: list[int], min_time: float, rng: np.random.Generator,
              api: str) -> dict:
    # Empty-call overhead.
    x = np.ones(1, dtype=np.float32)
    y = np.empty(1, dtype=np.float32)
    empty_sess = _session(identity_model())
    empty_ns = measure_ns_per_call(ort_caller(empty_sess, {"A": x}, y, api), min_time)
    empty_call_ns = statistics.median(empty_ns)

    results = []
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.zeros((n, n), dtype=np.float32)
        sess = _session(matmul_model(n))
        call = ort_caller(sess, {"A": a, "B": b}, c, api)

        # Sanity check against NumPy (float64 reference) before timing.
        ret = call()
        got = ret[0] if api == "run" else c
        ref = a.astype(np.float64) @ b.astype(np.float64)
        err = float(np.max(np.abs(got - ref)))
        if not err <= 1e-5 * n * max(1.0, float(np.max(np.abs(ref)))):
            raise RuntimeError(f"onnxruntime MatMul n={n}: max abs error {err:g}")

        per_call = measure_ns_per_call(call, min_time)
        net = [t - empty_call_ns for t in per_call]
        entry = {"n": n, **gflops_stats(n, per_call), "repeats": len(per_call),
                 "us_per_call_median": round(statistics.median(per_call) / 1e3, 3)}
        # Same statistics after subtracting the empty-call cost from each call;
        # null when a call is not measurably slower than an empty call.
        entry["overhead_subtracted"] = (gflops_stats(n, net) if min(net) > 0 else
                                        {"gflops_median": None, "gflops_min": None,
                                         "gflops_max": None})
        results.append(entry)

    return {
        "version": ort.__version__,
        "onnx_version": onnx.__version__,
        "api": api,
        "session": {"intra_op_num_threads": 1, "inter_op_num_threads": 1,
                    "execution_mode": "ORT_SEQUENTIAL",
                    "graph_optimization_level": "ORT_ENABLE_ALL"},
        "empty_call_us": round(empty_call_ns / 1e3, 3),
        "empty_call_us_min": round(min(empty_ns) / 1e3, 3),
        "results": results,
    }


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def print_table(report: dict) -> None:
    blas = report["numpy"]["blas"]
    o = report["onnxruntime"]
    m = report["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    print(f"numpy {report['numpy']['version']}: BLAS {blas['internal_api']} {blas['version']}, "
          f"arch {blas['architecture']}, threads {blas['num_threads']} "
          f"(default {blas['num_threads_default']})")
    print(f"OPENBLAS_CORETYPE: {report['openblas_coretype'] or '(unset)'}")
    print(f"onnxruntime {o['version']} (onnx {o['onnx_version']}, api {o['api']}): "
          f"empty call {o['empty_call_us']:.2f} us median ({o['empty_call_us_min']:.2f} min)")
    print()
    print("single-thread float32 GEMM, GFLOPS median [min..max] (batches)")
    hdr = f"{'n':>6}  {'numpy':>28}  {'onnxruntime raw':>28}  {'ort minus empty-call':>22}"
    print(hdr)
    print("-" * len(hdr))
    ort_by_n = {r["n"]: r for r in o["results"]}
    for r in report["numpy"]["results"]:
        q = ort_by_n[r["n"]]
        s = q["overhead_subtracted"]
        np_col = f"{_fmt(r['gflops_median'])} [{_fmt(r['gflops_min'])}..{_fmt(r['gflops_max'])}] ({r['repeats']})"
        ort_col = f"{_fmt(q['gflops_median'])} [{_fmt(q['gflops_min'])}..{_fmt(q['gflops_max'])}] ({q['repeats']})"
        net_col = f"{_fmt(s['gflops_median'])} [{_fmt(s['gflops_min'])}..{_fmt(s['gflops_max'])}]"
        print(f"{r['n']:>6}  {np_col:>28}  {ort_col:>28}  {net_col:>22}")


def parse_sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 8,64,256")
    return sizes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=parse_sizes, default=[8, 64, 256, 1024],
                   help="comma-separated matrix sizes n (default 8,64,256,1024)")
    p.add_argument("--min-time", type=float, default=0.5,
                   help="minimum timed seconds per size and library (default 0.5)")
    p.add_argument("--ort-api", choices=["iobinding", "run"], default="iobinding",
                   help="onnxruntime call path (default iobinding: preallocated output)")
    p.add_argument("--seed", type=int, default=0, help="random seed for the inputs")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    args = p.parse_args(argv)
    if args.min_time <= 0:
        p.error("--min-time must be > 0")

    rng = np.random.default_rng(args.seed)
    report = {
        "benchmark": "gemm_f32_single_thread",
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(),
                    "python": platform.python_version()},
        "min_time_s": args.min_time,
        "numpy": {"version": np.__version__, "blas": numpy_blas_info(),
                  "results": bench_numpy(args.sizes, args.min_time, rng)},
        "onnxruntime": bench_ort(args.sizes, args.min_time, rng, args.ort_api),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
