#!/usr/bin/env python3
"""Side-by-side table of MLCore (`bench inference` reports) and onnxruntime (ort_inference.py --json).

Usage: inference_compare.py PEERS.json SINGLE_STREAM_REPORT.json... -- OFFLINE_REPORT.json...
"""
import json
import os
import sys


def figures(paths):
    out = {}
    for p in paths:
        r = json.load(open(p))
        for res in r["results"]:
            if res["system"] != "mlcore-onnx":
                continue
            model = res["params"]["model"]
            out.setdefault(model, {})[(res["scenario"], res["name"])] = res["value"]
    return out


def main() -> int:
    args = sys.argv[1:]
    peers = json.load(open(args[0]))
    split = args.index("--")
    single = figures(args[1:split])
    offline = figures(args[split + 1 :])
    e = peers["empty_call_us"]
    print(f"onnxruntime {peers['onnxruntime']} (Python session.run; an empty call costs p50 {e['p50']:.1f} us, p99 {e['p99']:.1f} us)")
    print(f"MLCore in-process. 1 thread each. Batch rows/s on {peers['rows']} rows.")
    head = ["model", "MLCore p50 us", "ORT p50 us", "ORT p50 - empty", "p50 ratio", "MLCore p99", "ORT p99",
            "MLCore rows/s", "ORT rows/s", "rows/s ratio"]
    print(" | ".join(head))
    for path, m in peers["models"].items():
        name = os.path.basename(path)
        s = single.get(name, {})
        o = offline.get(name, {})
        mp50 = s.get(("single-stream", "latency_p50"))
        mp99 = s.get(("single-stream", "latency_p99"))
        mrate = o.get(("offline", "samples_per_second"))
        op50, op99 = m["latency_us"]["p50"], m["latency_us"]["p99"]
        orate = m["batch"]["rows_per_second_median"]
        net = op50 - e["p50"]
        cells = [name, f"{mp50:.1f}" if mp50 else "-", f"{op50:.1f}", f"{net:.1f}",
                 f"{op50 / mp50:.2f}x" if mp50 else "-", f"{mp99:.1f}" if mp99 else "-", f"{op99:.1f}",
                 f"{mrate:.0f}" if mrate else "-", f"{orate:.0f}", f"{mrate / orate:.2f}x" if mrate else "-"]
        print(" | ".join(cells))
    print("p50 ratio = ORT p50 / MLCore p50 (>1: MLCore faster); rows/s ratio = MLCore / ORT (>1: MLCore faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
