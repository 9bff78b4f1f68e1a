#!/usr/bin/env python3
"""onnxruntime as a system under test of MLCore's LoadGen (`bench --suite image-classification --peers`).

The harness starts this program, which loads one model into onnxruntime (intra- and inter-op threads as given,
sequential execution, all graph optimizations) and the sample inputs (.npy, axis 0 is the sample), prints
`ready`, then answers queries on stdin, one per line:

  q I J K ...   run the model on samples I, J, K, ... (one batch, in that order); answers `ok`
  ping          answers `ok` at once (the harness measures the pipe's round trip with it)
  quit          exits

Any failure answers `error <message>`. The LoadGen in the harness does all timing, so both systems are measured by
the same clock and the same scenario code; batches are gathered once per distinct query and cached, as MLCore
feeds zero-copy views.

Usage: ort_loadgen_peer.py MODEL.onnx --threads N --feed NAME=FILE.npy [--feed ...]
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import onnxruntime as ort


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--feed", action="append", default=[])
    args = ap.parse_args()
    o = ort.SessionOptions()
    o.intra_op_num_threads = args.threads
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, o, providers=["CPUExecutionProvider"])
    samples = {}
    for f in args.feed:
        name, path = f.split("=", 1)
        samples[name] = np.load(path)
    cache: dict[tuple[int, ...], dict[str, np.ndarray]] = {}
    out = sys.stdout
    out.write(f"ready onnxruntime {ort.__version__}\n")
    out.flush()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "quit":
                break
            if words[0] == "ping":
                out.write("ok\n")
            elif words[0] == "q":
                key = tuple(int(w) for w in words[1:])
                feeds = cache.get(key)
                if feeds is None:
                    feeds = {n: np.ascontiguousarray(a[list(key)]) for n, a in samples.items()}
                    cache[key] = feeds
                sess.run(None, feeds)
                out.write("ok\n")
            else:
                out.write(f"error unknown command {words[0]!r}\n")
        except Exception as e:  # noqa: BLE001 - reported to the harness, which throws
            out.write("error " + str(e).replace("\n", " ") + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
