#!/usr/bin/env python3
"""Training-time benchmark, MLCore (`bench train`) beside its peers; driven by scripts/bench-train-peers.sh.

Parts (what is timed, on which data):
  gbdt    100 trees, 31 leaves, 255 bins (MLCore's defaults, passed explicitly; peers: train_peers.LGBM_PARAMS /
          XGB_PARAMS) on
            classification-1m: make_classification(n_samples=1_250_000, n_features=28, n_informative=12,
                               n_redundant=6, flip_y=0.05, class_sep=0.8, random_state=0) (the 100K synthetic task of
                               train_peers.py, larger): the first 1,000,000 rows train, the last 250,000 test;
            airline:           datasets/build/airline-nyc2013 (245,723 / 82,798 rows, 128 features);
          vs LightGBM (binning = lgb.Dataset(...).construct(), training = lgb.train) and XGBoost hist (binning =
          QuantileDMatrix construction, training = xgb.train); MLCore's binning is its report's binning_seconds and
          its training train_seconds - binning_seconds. Test AUC of each.
  logreg  fit time (standardization included) vs scikit-learn make_pipeline(StandardScaler(), LogisticRegression())
          on synthetic-100k (train_peers.py's synthetic task, its seed-0 stratified 75/25 split), 1 thread.
  mlp     time per epoch vs scikit-learn make_pipeline(StandardScaler(), MLPClassifier()) on synthetic-100k, 1 thread:
          MLCore train_seconds / epochs, scikit-learn fit time / n_iter_, both capped at --mlp-epochs epochs (default
          20; the defaults otherwise) so that a run takes seconds, not minutes.

Every repeat runs MLCore, then each peer, on the same rows with the same thread count (bench --threads T; LightGBM
num_threads, XGBoost nthread, threadpool_limits(T) for scikit-learn, and the shell sets OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS to T for the Python process). Min and median over the repeats are kept. Data are loaded once
per process and not timed. `bench train` answering "not implemented yet" leaves MLCore's cells n/a.

Subcommands:
  prepare [--bench B]                      write the generated CSVs once (datasets/generated/, git-ignored) and build
                                           airline-nyc2013 if missing
  run --threads T [--parts gbdt,logreg,mlp] [--gbdt-data classification-1m,airline] [--repeats 3]
      [--mlp-epochs 20] [--bench B] --json OUT   measure, write raw figures
  report RUN.json... [--json OUT]           merge runs, print the README table, write the merged JSON
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

import train_peers as tp

GENERATED = os.path.join(tp.ROOT, "datasets/generated")
DATA = {
    "classification-1m": {"dir": os.path.join(GENERATED, "classification-1m-28"), "label": "label",
                          "recipe": "train_peers.synthetic(n_samples=1_250_000): make_classification(n_samples="
                                    "1_250_000, n_features=28, n_informative=12, n_redundant=6, flip_y=0.05, "
                                    "class_sep=0.8, random_state=0); rows [0, 1M) train, [1M, 1.25M) test"},
    "synthetic-100k": {"dir": os.path.join(GENERATED, "synthetic-100k-28"), "label": "label",
                       "recipe": "train_peers.synthetic(): make_classification(n_samples=100_000, n_features=28, "
                                 "n_informative=12, n_redundant=6, flip_y=0.05, class_sep=0.8, random_state=0); "
                                 "train_test_split(test_size=0.25, stratify=y, random_state=0)"},
    "airline": {"dir": tp.AIRLINE_DIR, "label": tp.AIRLINE_LABEL, "recipe": "bench datasets build airline-nyc2013"},
}
GBDT_PARAMS = ["numTrees=100", "numLeaves=31", "maxBins=255"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepare(args):
    tp.ensure_airline(args.bench)
    for name in ("classification-1m", "synthetic-100k"):
        d = DATA[name]
        meta_path = os.path.join(d["dir"], "recipe.json")
        if os.path.exists(meta_path) and json.load(open(meta_path)).get("recipe") == d["recipe"]:
            continue
        print(f"generating {name} into {d['dir']} ...", file=sys.stderr)
        os.makedirs(d["dir"], exist_ok=True)
        if name == "classification-1m":
            x, y = tp.synthetic(n_samples=1_250_000)
            xtr, ytr, xte, yte = x[:1_000_000], y[:1_000_000], x[1_000_000:], y[1_000_000:]
        else:
            x, y = tp.synthetic()
            xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
        files = {}
        for split, (xs, ys) in {"train": (xtr, ytr), "test": (xte, yte)}.items():
            path = os.path.join(d["dir"], f"{split}.csv")
            tp.write_csv(path, xs, ys, label=d["label"])
            files[f"{split}.csv"] = {"rows": len(ys), "sha256": sha256(path)}
        with open(meta_path, "w") as f:
            json.dump({"recipe": d["recipe"], "files": files}, f, indent=2)


def load(name):
    d = DATA[name]
    train_csv, test_csv = os.path.join(d["dir"], "train.csv"), os.path.join(d["dir"], "test.csv")
    if not (os.path.exists(train_csv) and os.path.exists(test_csv)):
        raise SystemExit(f"{name}: {d['dir']} has no train.csv/test.csv; run `train_bench.py prepare` first")
    xtr, ytr = tp.read_labeled_csv(train_csv, d["label"])
    xte, yte = tp.read_labeled_csv(test_csv, d["label"])
    return {"train_csv": train_csv, "test_csv": test_csv, "label": d["label"], "xtr": xtr, "ytr": ytr, "xte": xte,
            "yte": yte}


def stats(values):
    values = [v for v in values if v is not None]
    return {"min": min(values), "median": statistics.median(values), "all": values} if values else None


def measure(args, part, data_name, data, peers, mlcore_params, peer_opts, seed=0):
    """REPEATS x (MLCore, each peer); returns {system: {total_s, binning_s, training_s, auc, steps}}."""
    runs = {"MLCore": []} | {p: [] for p in peers}
    not_implemented = None
    for i in range(args.repeats):
        if not_implemented is None:
            try:
                r = tp.bench_train(args.bench, part, data["train_csv"], data["test_csv"], data["label"], seed,
                                   args.threads, mlcore_params)
                b = r.get("binning_seconds")
                runs["MLCore"].append({"total_s": r["train_seconds"], "binning_s": b,
                                       "training_s": r["train_seconds"] - (b or 0.0), "auc": r["auc"],
                                       "steps": tp.mlcore_steps(r), "report": r})
            except tp.NotImplementedInBench as e:
                not_implemented = str(e)
        for p, fit in peers.items():
            f = fit(data["xtr"], data["ytr"], seed, args.threads, **peer_opts)
            b = f["binning_s"]
            runs[p].append({"total_s": f["fit_s"], "binning_s": b, "training_s": f["fit_s"] - (b or 0.0),
                            "auc": tp.auc(data["yte"], f["predict_proba"](data["xte"])), "steps": f["steps"]})
        print(f"  {part} {data_name} {args.threads}T repeat {i + 1}/{args.repeats}: " +
              ", ".join(f"{s} {x[-1]['total_s']:.2f}s" for s, x in runs.items() if x), file=sys.stderr)
    out = {}
    for system, rs in runs.items():
        if not rs:
            out[system] = {"not_implemented": not_implemented}
            continue
        out[system] = {k: stats([r[k] for r in rs]) for k in ("total_s", "binning_s", "training_s")}
        out[system]["auc"] = rs[-1]["auc"]
        out[system]["steps"] = rs[-1]["steps"]
        out[system]["per_step_s"] = stats([r["total_s"] / r["steps"] for r in rs if r["steps"]])
        if system == "MLCore":
            out[system]["report"] = rs[-1]["report"]
    return out


def run(args):
    parts = args.parts.split(",")
    result = {"threads": args.threads, "repeats": args.repeats, "utc": datetime.datetime.now(datetime.UTC).isoformat(),
              "load_average_start": os.getloadavg(), "env": {k: os.environ.get(k) for k in
                                                              ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                               "OPENBLAS_CORETYPE")},
              "cases": []}
    if "gbdt" in parts:
        for name in args.gbdt_data.split(","):
            data = load(name)
            figures = measure(args, "gbdt", name, data, tp.PEERS["gbdt"], GBDT_PARAMS, {})
            result["cases"].append({"part": "gbdt", "data": name, "threads": args.threads,
                                    "rows": len(data["ytr"]), "features": data["xtr"].shape[1],
                                    "systems": figures})
    small = [p for p in ("logreg", "mlp") if p in parts]
    if small:
        data = load("synthetic-100k")
        for part in small:
            mlcore_params = [f"maxEpochs={args.mlp_epochs}"] if part == "mlp" else []
            opts = {"max_epochs": args.mlp_epochs} if part == "mlp" else {}
            figures = measure(args, part, "synthetic-100k", data, tp.PEERS[part], mlcore_params, opts)
            result["cases"].append({"part": part, "data": "synthetic-100k", "threads": args.threads,
                                    "rows": len(data["ytr"]), "features": data["xtr"].shape[1],
                                    "systems": figures, "mlp_epochs": args.mlp_epochs if part == "mlp" else None})
    result["load_average_end"] = os.getloadavg()
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)


def fmt(s, key="min"):
    return "n/a" if not s else f"{s[key]:.3f}"


def ratio(mine, peer, key="median"):
    if not mine or not peer or not mine.get(key) or not peer.get(key):
        return "n/a"
    return f"{mine[key] / peer[key]:.2f}x"


def report(args):
    runs = [json.load(open(p)) for p in args.runs]
    cases = [c for r in runs for c in r["cases"]]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tp.ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = None
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?") \
        if os.path.exists("/proc/cpuinfo") else platform.processor()
    versions = tp.peer_versions()
    print(f"Training time, {cpu}, {os.cpu_count()} cores, commit {commit}; " +
          ", ".join(f"{k} {v}" for k, v in versions.items() if k != "onnxruntime") +
          f"; {runs[0]['repeats']} repeats, seconds as min (median); ratios MLCore/peer of the medians.")
    for r in runs:  # on a shared machine, multi-threaded runs suffer most from other processes
        print(f"{r['threads']} thread(s): load average {r['load_average_start'][0]:.2f} at start, "
              f"{r['load_average_end'][0]:.2f} at end (cores: {os.cpu_count()})")
    print()
    gbdt = [c for c in cases if c["part"] == "gbdt"]
    if gbdt:
        print("#### GBDT, 100 trees, 31 leaves, 255 bins\n")
        print("| data | threads | system | binning s | training s | total s | test AUC | MLCore/peer binning | "
              "MLCore/peer training | MLCore/peer total |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for c in gbdt:
            mine = c["systems"]["MLCore"]
            label = f"{c['data']} ({c['rows']:,} x {c['features']})"
            for system, s in c["systems"].items():
                if "not_implemented" in s:
                    print(f"| {label} | {c['threads']} | {system} | n/a | n/a | n/a | n/a | | | |")
                    continue
                cells = [f"{fmt(s[k])} ({fmt(s[k], 'median')})" for k in ("binning_s", "training_s", "total_s")]
                ratios = ["", "", ""] if system == "MLCore" else \
                    [ratio(mine.get(k), s[k]) for k in ("binning_s", "training_s", "total_s")]
                print(f"| {label} | {c['threads']} | {system} | " + " | ".join(cells) +
                      f" | {s['auc']:.4f} | " + " | ".join(ratios) + " |")
        print()
    for part, what in (("logreg", "fit"), ("mlp", "epoch")):
        sel = [c for c in cases if c["part"] == part]
        if not sel:
            continue
        title = ("#### Logistic regression fit (standardization included)" if part == "logreg" else
                 f"#### MLP (100 relu, adam, batch 200), time per epoch, at most {sel[0]['mlp_epochs']} epochs")
        print(f"{title}\n")
        print(f"| data | threads | system | {what} s | epochs/iterations | test AUC | MLCore/peer |")
        print("|---|---|---|---|---|---|---|")
        key = "total_s" if part == "logreg" else "per_step_s"
        for c in sel:
            mine = c["systems"]["MLCore"]
            for system, s in c["systems"].items():
                label = f"{c['data']} ({c['rows']:,} x {c['features']})"
                if "not_implemented" in s:
                    print(f"| {label} | {c['threads']} | {system} | n/a | n/a | n/a | |")
                    continue
                r = "" if system == "MLCore" else ratio(mine.get(key), s[key])
                print(f"| {label} | {c['threads']} | {system} | {fmt(s[key], 'min')} ({fmt(s[key], 'median')}) | "
                      f"{s['steps']} | {s['auc']:.4f} | {r} |")
        print()
    missing = sorted({f"{c['part']}: {s['not_implemented']}" for c in cases for s in c["systems"].values()
                      if "not_implemented" in s})
    for m in missing:
        print(f"MLCore n/a: {m}")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"commit": commit, "cpu": cpu, "cores": os.cpu_count(), "versions": versions,
                       "gbdt_mlcore_params": GBDT_PARAMS, "peer_params": {"lightgbm": tp.LGBM_PARAMS,
                                                                           "xgboost": tp.XGB_PARAMS},
                       "data": {k: v["recipe"] for k, v in DATA.items()}, "runs": runs}, f, indent=2)
        print(f"\nJSON: {args.json}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    bench = os.path.join(tp.ROOT, ".build/release/bench")
    p = sub.add_parser("prepare")
    p.add_argument("--bench", default=bench)
    p = sub.add_parser("run")
    p.add_argument("--bench", default=bench)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--parts", default="gbdt,logreg,mlp")
    p.add_argument("--gbdt-data", default="classification-1m,airline")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--mlp-epochs", type=int, default=20)
    p.add_argument("--json", required=True)
    p = sub.add_parser("report")
    p.add_argument("runs", nargs="+")
    p.add_argument("--json")
    args = ap.parse_args()
    {"prepare": prepare, "run": run, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
