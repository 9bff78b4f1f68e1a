#!/usr/bin/env python3
"""Side-by-side GEMM table: MLCore's paths (GEMMBench --json) beside NumPy and onnxruntime (gemm_peers.py --json).

Usage: gemm_compare.py MLCORE.json PEERS.json
Prints GFLOPS medians with [min..max], and the ratios the foundation issue asks for:
  BLAS path / NumPy   (is our cblas call adding anything? target >= 0.90 at n = 1024)
  wide path / onnxruntime MLAS (target >= 0.70 at n >= 256; onnxruntime with its empty-call cost subtracted)
  wide / blas: our wide path at the detected level against OpenBLAS, the median [min..max] of per-round ratios
    (GEMMBench times the paths in turn in every round; above 1: ours faster)
"""
import json
import sys


def main() -> int:
    mine = json.load(open(sys.argv[1]))
    peers = json.load(open(sys.argv[2]))
    by = {}
    vs_blas = {}
    for r in mine["results"]:
        label = f"wide/{r['isa']}" if r["path"] == "wide" else r["path"]
        by.setdefault(r["n"], {})[label] = r["gflops"]
        if r["path"] == "wide" and r["isa"] == mine["detectedISA"] and r.get("vsBLAS"):
            vs_blas[r["n"]] = r["vsBLAS"]
    numpy = {r["n"]: r for r in peers["numpy"]["results"]}
    ort = {r["n"]: r for r in peers["onnxruntime"]["results"]}

    blas_info = peers["numpy"]["blas"]
    print(f"MLCore: OpenBLAS core {mine['openblasCore']}, detected ISA {mine['detectedISA']}, threads {mine['threads']}")
    print(f"NumPy {peers.get('numpy', {}).get('version', '')}: {blas_info.get('internal_api')} {blas_info.get('version')} "
          f"({blas_info.get('architecture')}), 1 thread")
    print(f"onnxruntime {peers['onnxruntime']['version']}: 1 intra-op thread, empty call {peers['onnxruntime']['empty_call_us']:.2f} us")
    print(f"OPENBLAS_CORETYPE: {peers.get('openblas_coretype') or '(unset)'}")
    print("GFLOPS, median [min..max]; one thread; same machine, same run")

    labels = sorted({l for row in by.values() for l in row}, key=lambda l: ["reference", "simd", "wide/avx2", "wide/avx512", "blas"].index(l) if l in ["reference", "simd", "wide/avx2", "wide/avx512", "blas"] else 99)
    cols = labels + ["numpy", "ort", "ort-empty"]
    print("n".ljust(6) + "".join(c.rjust(22) for c in cols) + "  blas/numpy  wide/ort  wide/blas")

    def fmt(s):
        return f"{s['median']:.1f} [{s['min']:.0f}..{s['max']:.0f}]" if s else "-"

    for n in sorted(by):
        row = by[n]
        cells = [fmt(row.get(l)) for l in labels]
        npy = numpy.get(n)
        o = ort.get(n)
        cells.append(f"{npy['gflops_median']:.1f} [{npy['gflops_min']:.0f}..{npy['gflops_max']:.0f}]" if npy else "-")
        cells.append(f"{o['gflops_median']:.1f} [{o['gflops_min']:.0f}..{o['gflops_max']:.0f}]" if o else "-")
        net = o.get("overhead_subtracted", {}).get("gflops_median") if o else None
        cells.append(f"{net:.1f}" if net else "-")
        best_wide = max((row[l]["median"] for l in row if l.startswith("wide")), default=None)
        r_blas = row["blas"]["median"] / npy["gflops_median"] if npy and "blas" in row else None
        ort_ref = net or (o["gflops_median"] if o else None)
        r_wide = best_wide / ort_ref if best_wide and ort_ref else None
        v = vs_blas.get(n)
        print(str(n).ljust(6) + "".join(c.rjust(22) for c in cells)
              + (f"{r_blas:12.2f}" if r_blas else "           -") + (f"{r_wide:10.2f}" if r_wide else "         -")
              + (f"  {v['median']:.3f} [{v['min']:.3f}..{v['max']:.3f}]" if v else "  -"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
