#!/usr/bin/env python3
"""Check MLCore (or, with --ort-only, onnxruntime itself) on the real-world model set.

Run through scripts/check-realworld-models.sh. For every folder <root>/<model>/ written by
scripts/make-realworld-models.py, runs exactly

    <bench> predict --model M/model.onnx --feed NAME=M/inputs/NAME.npy [--feed ...] --output-dir OUT/

and compares each OUT/<output>.npy with M/expected/<output>.npy under the rule of ``tolerance`` below, printing
one line per model (PASS / FAIL / LOAD-ERROR with the first line of the error) and a summary; exits 1 when any
model does not pass. An output that is a sequence of maps (ZipMap) is expected as a [rows, keys] float32 array
with columns in meta.json's map_keys order. Output files are looked up as OUT/<output name>.npy, then under the name with characters
outside [A-Za-z0-9._-] replaced by '_' (the name the expected file has).

--ort-only re-runs onnxruntime (1 thread) instead of MLCore and checks the pinned expected files (a sanity check
of the set itself; it also says how many outputs were bit-identical).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def tolerance(kind: str, dtype: np.dtype, step: float | None) -> tuple[float, float] | None:
    """The one comparison rule of the set (RealWorldModelTests.swift's `RealWorldTolerance.allowed` mirrors it):
    (absolute, relative) such that |got - expected| <= absolute + relative * |expected| passes, or None for an
    exact match.

    - integers, booleans, strings, labels: exact; except uint8/int8 outputs of quantized models: |diff| <= 1
      (one quantization step: a requantization may round the other way);
    - float16 models: 1e-3 + 1e-2 |expected| (float16 has an 11-bit significand: 1e-2 is ~20 ulp);
    - float outputs of quantized models that come out of a DequantizeLinear with a known scale: one quantization
      step (+1e-6 for the float rounding of scale * q); without a fixed step (dynamic quantization computes
      activation scales at run time, and one flipped rounding propagates): 1e-3 + 1e-2 |expected|;
    - everything else (float32 and classic ML models): 1e-4 + 1e-3 |expected|.
    NaN matches only NaN, an infinity only the same infinity.
    """
    if dtype.kind in "iub" or dtype.kind in "US" or dtype == object:
        if kind == "quantized" and dtype in (np.dtype(np.uint8), np.dtype(np.int8)):
            return (1.0, 0.0)
        return None
    if kind == "float16":
        return (1e-3, 1e-2)
    if kind == "quantized":
        return (step + 1e-6, 0.0) if step is not None else (1e-3, 1e-2)
    return (1e-4, 1e-3)


def mismatch(got: np.ndarray, want: np.ndarray, rule: tuple[float, float] | None) -> str | None:
    """Why `got` does not match `want` under `rule`, or None."""
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, expected {list(want.shape)}"
    if rule is None:
        if want.dtype.kind in "US":
            bad = np.flatnonzero(got.astype(str).ravel() != want.astype(str).ravel())
        else:
            if got.dtype != want.dtype:
                return f"dtype {got.dtype}, expected {want.dtype}"
            bad = np.flatnonzero(got.ravel() != want.ravel())
        if bad.size:
            i = bad[0]
            return f"{bad.size} values differ; first at flat index {i}: {got.ravel()[i]!r}, expected {want.ravel()[i]!r}"
        return None
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, expected {want.dtype}"
    g = got.astype(np.float64).ravel()
    w = want.astype(np.float64).ravel()
    absolute, relative = rule
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(g - w)
        same = (g == w) | (np.isnan(g) & np.isnan(w))
        ok = same | (np.isfinite(d) & (d <= absolute + relative * np.abs(w)))
    if ok.all():
        return None
    bad = np.flatnonzero(~ok)
    score = np.where(np.isfinite(d[bad]), d[bad] / (absolute + relative * np.abs(w[bad])), np.inf)
    i = bad[int(np.argmax(score))]
    return (f"{bad.size}/{g.size} values out of tolerance; worst at flat index {i}: {g[i]!r}, expected {w[i]!r} "
            f"(|diff| {abs(g[i] - w[i]):.3g}, allowed {absolute:.3g} + {relative:.3g}|expected|)")


def compare_outputs(folder: Path, meta: dict, produced: dict[str, np.ndarray]) -> list[str]:
    problems = []
    for name, info in meta["outputs"].items():
        want = np.load(folder / info["file"], allow_pickle=False)
        got = produced.get(name)
        if got is None:
            problems.append(f"{name}: missing")
            continue
        rule = tolerance(meta["kind"], want.dtype, meta.get("quantization_steps", {}).get(name))
        why = mismatch(got, want, rule)
        if why:
            problems.append(f"{name}: {why}")
    return problems


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return "(no message)"


def run_bench(bench: Path, folder: Path, meta: dict, out: Path, timeout: float) -> tuple[dict, str | None]:
    cmd = [str(bench), "predict", "--model", str(folder / "model.onnx")]
    for name, info in meta["inputs"].items():
        path = folder / info["file"]
        a = np.load(path)
        if a.dtype.kind == "U":
            # String inputs go to bench as a .json array (its contract for strings; MLCore's .npy reader holds
            # numbers and booleans only).
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{Path(info['file']).stem}.input.json"
            path.write_text(json.dumps(a.tolist()))
        cmd += ["--feed", f"{name}={path}"]
    cmd += ["--output-dir", str(out) + "/"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {}, f"timed out after {timeout:.0f} s"
    if r.returncode != 0:
        return {}, first_line(r.stderr or r.stdout)
    produced = {}
    for name, info in meta["outputs"].items():
        for candidate in (out / f"{name}.npy", out / Path(info["file"]).name):
            if candidate.is_file():
                try:
                    produced[name] = np.load(candidate, allow_pickle=False)
                except Exception as e:  # noqa: BLE001 - an unreadable output is a failure of that output
                    return {}, f"cannot read {candidate.name}: {e}"
                break
    return produced, None


def run_ort(folder: Path, meta: dict) -> dict:
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(folder / "model.onnx"), so, providers=["CPUExecutionProvider"])
    feeds = {}
    for name, info in meta["inputs"].items():
        a = np.load(folder / info["file"], allow_pickle=False)
        feeds[name] = a.astype(object) if a.dtype.kind == "U" else a
    names = list(meta["outputs"])
    outs = sess.run(names, feeds)
    result = {}
    for n, v in zip(names, outs):
        if isinstance(v, list) and v and isinstance(v[0], dict):  # ZipMap: columns in meta's map_keys order
            keys = meta.get("map_keys", {}).get(n) or sorted(v[0])
            result[n] = np.array([[row[k] for k in keys] for row in v], np.float32)
        else:
            a = np.asarray(v)
            result[n] = a.astype(str) if a.dtype == object else a
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=REPO / "datasets" / "realworld",
                    help="folder of model folders (default datasets/realworld; the Swift test fixtures "
                         "Tests/MLCoreONNXTests/Fixtures/realworld have the same layout)")
    ap.add_argument("--bench", type=Path, default=REPO / ".build" / "release" / "bench")
    ap.add_argument("--ort-only", action="store_true", help="check onnxruntime against the pinned expected files")
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    folders = sorted(p.parent for p in args.root.glob("*/meta.json"))
    if args.only:
        wanted = set(args.only.split(","))
        folders = [f for f in folders if f.name in wanted]
    if not folders:
        print(f"no model folders under {args.root} (run scripts/make-realworld-models.sh first)")
        return 1
    if not args.ort_only and not args.bench.is_file():
        print(f"{args.bench} not found: build it with `swift build -c release --product bench`")
        return 1

    counts = {"PASS": 0, "FAIL": 0, "LOAD-ERROR": 0}
    identical = total_outputs = 0
    width = max(len(f.name) for f in folders)
    for folder in folders:
        meta = json.loads((folder / "meta.json").read_text())
        label = f"{folder.name:<{width}}  {meta['kind']:<9}"
        if args.ort_only:
            try:
                produced, error = run_ort(folder, meta), None
            except Exception as e:  # noqa: BLE001 - report per model
                produced, error = {}, first_line(str(e))
        else:
            with tempfile.TemporaryDirectory(prefix="realworld-") as d:
                produced, error = run_bench(args.bench, folder, meta, Path(d), args.timeout)
        if error:
            counts["LOAD-ERROR"] += 1
            print(f"LOAD-ERROR  {label}  {error}", flush=True)
            continue
        problems = compare_outputs(folder, meta, produced)
        if args.ort_only:
            for name, info in meta["outputs"].items():
                total_outputs += 1
                want = np.load(folder / info["file"], allow_pickle=False)
                got = produced.get(name)
                identical += int(got is not None and got.shape == want.shape and got.tobytes() == want.tobytes())
        if problems:
            counts["FAIL"] += 1
            print(f"FAIL        {label}  " + "; ".join(problems), flush=True)
        else:
            counts["PASS"] += 1
            print(f"PASS        {label}", flush=True)
    engine = "onnxruntime (--ort-only)" if args.ort_only else str(args.bench)
    print(f"{engine}: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['LOAD-ERROR']} load errors "
          f"of {len(folders)} models")
    if args.ort_only:
        print(f"bit-identical outputs: {identical} of {total_outputs}")
    return 0 if counts["PASS"] == len(folders) else 1


if __name__ == "__main__":
    sys.exit(main())
