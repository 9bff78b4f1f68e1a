#!/usr/bin/env python3
"""Logistic regression: MLCore (`bench train --algorithm logreg`) side by side with scikit-learn, and the
exported ONNX model checked in onnxruntime.

For each dataset and each of 5 seeds, the script draws a stratified 75/25 train/test split (random_state = seed),
writes both as CSV, and then
  * runs `bench train --algorithm logreg --seed S --threads T --save model.onnx --report r.json` REPEATS times
    (train_seconds is the whole fit, standardization included; the minimum is kept, as the least disturbed
    run on a shared machine, and the median is recorded too);
  * fits scikit-learn's `make_pipeline(StandardScaler(), LogisticRegression())` (defaults: lbfgs, C=1,
    max_iter=100, tol=1e-4, the settings MLCore's defaults mirror) REPEATS times under
    `threadpool_limits(T)`, timing the fit the same way (scaler included, minimum and median), and scores its
    test AUC;
  * loads MLCore's model.onnx in onnxruntime (T intra-op threads), and compares its probabilities with MLCore's
    own engine (`bench predict` on the same rows): max |diff| must be <= 1e-5. It also checks that the AUC of
    onnxruntime's probabilities equals the AUC `bench train` reported from the model's float64 probabilities.

Datasets: breast_cancer (569 x 30), digits (digit >= 5 vs < 5, 1797 x 64), synthetic (make_classification,
100,000 x 28, seed 0), and on request digits10 (the ten digits: multinomial, AUC macro one-vs-rest). Prints a table per dataset and the verdict against the issue's bar (MLCore's mean AUC >=
scikit-learn's mean - 0.005); `--json PATH` writes every figure.

Usage: .venv-peers/bin/python scripts/peers/logreg_peers.py [--bench .build/release/bench] [--threads 1]
       [--repeats 5] [--datasets breast_cancer,digits,synthetic]
Build first: swift build -c release --product bench
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits
import warnings
from sklearn.exceptions import ConvergenceWarning

SEEDS = [0, 1, 2, 3, 4]


def dataset(name):
    if name == "breast_cancer":
        d = load_breast_cancer()
        return d.data.astype(np.float32), d.target
    if name == "digits":
        d = load_digits()
        return d.data.astype(np.float32), (d.target >= 5).astype(int)
    if name == "digits10":
        d = load_digits()
        return d.data.astype(np.float32), d.target
    if name == "synthetic":
        x, y = make_classification(n_samples=100_000, n_features=28, n_informative=12, n_redundant=6,
                                   flip_y=0.05, class_sep=0.8, random_state=0)
        return x.astype(np.float32), y
    raise SystemExit(f"unknown dataset {name}")


def auc(y, p):
    return roc_auc_score(y, p[:, 1]) if p.shape[1] == 2 else roc_auc_score(y, p, multi_class="ovr", average="macro")


def write_csv(path, x, y=None):
    cols = [f"f{i}" for i in range(x.shape[1])]
    with open(path, "w") as f:
        f.write(",".join(cols + (["label"] if y is not None else [])) + "\n")
        for i, row in enumerate(x):
            cells = [str(v) for v in row]  # float32 shortest repr: reads back as the same float32
            if y is not None:
                cells.append(str(int(y[i])))
            f.write(",".join(cells) + "\n")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(root, ".build/release/bench"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--datasets", default="breast_cancer,digits,synthetic")
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.path.exists(args.bench):
        raise SystemExit(f"{args.bench} not found: swift build -c release --product bench")

    print(f"scikit-learn {sklearn.__version__}, onnxruntime {ort.__version__}, threads {args.threads}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, {args.repeats} fit repeats (minimum; load average {os.getloadavg()[0]:.2f})")
    out = {"threads": args.threads, "repeats": args.repeats, "sklearn": sklearn.__version__,
           "onnxruntime": ort.__version__, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"), "datasets": {}}
    all_ok = True
    for name in args.datasets.split(","):
        x, y = dataset(name)
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for seed in SEEDS:
                xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, stratify=y, random_state=seed)
                train_csv, test_csv = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
                xte_csv = os.path.join(tmp, "x_test.csv")
                write_csv(train_csv, xtr, ytr)
                write_csv(test_csv, xte, yte)
                write_csv(xte_csv, xte)
                model = os.path.join(tmp, "model.onnx")
                report = os.path.join(tmp, "report.json")

                mine_times, mine = [], None
                for _ in range(args.repeats):
                    subprocess.run([args.bench, "train", "--algorithm", "logreg", "--train", train_csv,
                                    "--test", test_csv, "--label", "label", "--save", model, "--report", report,
                                    "--seed", str(seed), "--threads", str(args.threads)],
                                   check=True, stdout=subprocess.DEVNULL)
                    mine = json.load(open(report))
                    mine_times.append(mine["train_seconds"])

                sk_times, sk_auc, sk_iter = [], None, None
                with threadpool_limits(args.threads), warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    for _ in range(args.repeats):
                        pipe = make_pipeline(StandardScaler(), LogisticRegression())
                        t0 = time.perf_counter()
                        pipe.fit(xtr, ytr)
                        sk_times.append(time.perf_counter() - t0)
                    sk_auc = auc(yte, pipe.predict_proba(xte))
                    sk_iter = int(np.max(pipe[-1].n_iter_))

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = args.threads
                sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
                ort_out = sess.run(None, {"X": xte})
                ort_p = ort_out[1]
                engine = subprocess.run([args.bench, "predict", "--model", model, "--input", xte_csv,
                                         "--threads", str(args.threads)], check=True, capture_output=True, text=True)
                lines = engine.stdout.strip().splitlines()[1:]
                engine_p = np.array([[float(v) for v in line.split(",")] for line in lines], dtype=np.float64)
                ort_diff = float(np.max(np.abs(engine_p - ort_p)))
                ort_auc = auc(yte, ort_p)
                rows.append({"seed": seed, "mlcore_auc": mine["auc"], "sklearn_auc": sk_auc,
                             "ort_auc": ort_auc, "ort_vs_engine_max_abs": ort_diff,
                             "mlcore_fit_s": min(mine_times), "sklearn_fit_s": min(sk_times),
                             "mlcore_fit_median_s": statistics.median(mine_times),
                             "sklearn_fit_median_s": statistics.median(sk_times),
                             "mlcore_iterations": mine["iterations"], "sklearn_iterations": sk_iter,
                             "mlcore_solver": mine["solver"], "train_rows": len(ytr), "test_rows": len(yte)})

        mean = lambda k: statistics.fmean(r[k] for r in rows)
        ratio = mean("mlcore_fit_s") / mean("sklearn_fit_s")
        max_diff = max(r["ort_vs_engine_max_abs"] for r in rows)
        auc_gap = mean("mlcore_auc") - mean("sklearn_auc")
        auc_ok = auc_gap >= -0.005
        ort_ok = max_diff <= 1e-5 and all(abs(r["ort_auc"] - r["mlcore_auc"]) < 1e-6 for r in rows)
        all_ok = all_ok and auc_ok and ort_ok
        print(f"\n{name}: {rows[0]['train_rows']} train / {rows[0]['test_rows']} test rows, {x.shape[1]} features")
        print(f"{'seed':>4}  {'MLCore AUC':>10}  {'sklearn AUC':>11}  {'ORT AUC':>9}  {'ORT-engine':>10}  "
              f"{'MLCore fit':>10}  {'sklearn fit':>11}  {'iters (ours/skl)':>16}")
        for r in rows:
            print(f"{r['seed']:>4}  {r['mlcore_auc']:>10.6f}  {r['sklearn_auc']:>11.6f}  {r['ort_auc']:>9.6f}  "
                  f"{r['ort_vs_engine_max_abs']:>10.2e}  {r['mlcore_fit_s'] * 1e3:>8.2f}ms  {r['sklearn_fit_s'] * 1e3:>9.2f}ms  "
                  f"{r['mlcore_iterations']:>7}/{r['sklearn_iterations']:<8}")
        print(f"mean AUC MLCore {mean('mlcore_auc'):.6f} vs scikit-learn {mean('sklearn_auc'):.6f} "
              f"(diff {auc_gap:+.6f}; bar >= -0.005: {'met' if auc_ok else 'NOT met'})")
        print(f"fit time MLCore / scikit-learn (mean of per-seed minima): {ratio:.2f}x "
              f"({'faster or equal' if ratio <= 1 else 'slower'}; {args.threads} thread(s))")
        print(f"onnxruntime vs MLCore engine: max |p diff| {max_diff:.2e} ({'<= 1e-5' if ort_ok else 'FAILS 1e-5'})")
        out["datasets"][name] = {"seeds": rows, "auc_diff": auc_gap, "fit_ratio": ratio, "ort_max_abs": max_diff,
                                 "auc_ok": auc_ok, "ort_ok": ort_ok}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
