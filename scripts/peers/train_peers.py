#!/usr/bin/env python3
"""Training quality: MLCore (`bench train`) side by side with its peers, and the exported ONNX checked in onnxruntime.

    --algorithm logreg  MLCore vs scikit-learn make_pipeline(StandardScaler(), LogisticRegression()) (defaults:
                        lbfgs, C=1, max_iter=100, tol=1e-4, the settings MLCore's defaults mirror)
    --algorithm gbdt    MLCore vs LightGBM (lgb.train) AND XGBoost (xgb.train, tree_method=hist) with the settings of
                        MLCore's defaults (LGBM_PARAMS / XGB_PARAMS below: 100 trees, learning rate 0.1, 31 leaves, no
                        depth limit, 255 bins, min 20 rows and 1e-3 hessian per leaf, no L2, no sampling)
    --algorithm mlp     MLCore vs scikit-learn make_pipeline(StandardScaler(), MLPClassifier()) (defaults: one hidden
                        layer of 100 relu, adam, lr 1e-3, batch 200, <= 200 epochs, alpha 1e-4, tol 1e-4, 10 epochs
                        without improvement)

Datasets: breast_cancer (569 x 30), digits (digit >= 5 vs < 5, 1797 x 64), synthetic (make_classification,
100,000 x 28, seed 0), airline (the benchm-ml task on NYC 2013 flights built by `bench datasets build
airline-nyc2013`: 245,723 train / 82,798 test rows, 128 features; built automatically when missing), and on request
digits10 (the ten digits: multiclass, AUC macro one-vs-rest).

For each dataset and seed (default 0..4):
  * the split: a stratified 75/25 train/test split (random_state = seed) written as CSV; airline keeps its fixed
    months 1-9 / 10-12 split and the seed varies only the models' seeds;
  * REPEATS times, interleaved so that MLCore and the peers share the machine's noise: `bench train --algorithm A
    --seed S --threads T --save model.onnx --report r.json` (train_seconds is the whole fit, standardization or
    binning included; gbdt also reports binning_seconds), then each peer fit on the same float32 rows with the same
    seed and T threads (threadpool_limits(T), and num_threads / nthread = T for LightGBM / XGBoost), timed the
    same way (scaler / Dataset or QuantileDMatrix construction included; the latter is also recorded apart).
    The minimum (the least disturbed run on a shared machine) and the median are kept;
  * the peers' test AUC is scikit-learn's roc_auc_score on the peer's own predict_proba (nothing of MLCore's);
    MLCore's is the `auc` of its report;
  * MLCore's model.onnx is run in onnxruntime (T intra-op threads) and compared with MLCore's own engine
    (`bench predict` on the same rows): max |p diff| must be <= 1e-5, and the AUC of onnxruntime's probabilities
    must equal the AUC `bench train` reported (within 1e-6).
When `bench train` answers "not implemented yet" (gbdt and mlp before they land), MLCore's cells are n/a and the
peers still run.

Prints a table per dataset and the verdict against the bar: MLCore's mean AUC >= each peer's mean AUC - 0.005.
Fit times are summarized over all seeds x repeats (the splits all have the same size): min and median, and the
ratio MLCore / peer of each. `--json PATH` writes every figure. Exit status 1 when a bar or an ONNX check fails.

Usage: .venv-peers/bin/python scripts/peers/train_peers.py --algorithm logreg|gbdt|mlp
       [--bench .build/release/bench] [--threads 1] [--repeats 3] [--seeds 0,1,2,3,4]
       [--datasets breast_cancer,digits,synthetic,airline] [--mlcore-param name=value]... [--json PATH]
Build first: swift build -c release --product bench. (scripts/peers/logreg_peers.py is this with --algorithm logreg,
5 repeats and the three small datasets.) The training-time benchmark is scripts/bench-train-peers.sh.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import onnxruntime as ort
import pandas as pd
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = [0, 1, 2, 3, 4]
AIRLINE_DIR = os.path.join(ROOT, "datasets/build/airline-nyc2013")
AIRLINE_LABEL = "dep_delayed_15min"
AUC_BAR = 0.005
ORT_TOLERANCE = 1e-5

# The peers' settings equal to MLCore's gbdt defaults (numTrees=100, learningRate=0.1, numLeaves=31, maxDepth=-1,
# maxBins=255, minDataInLeaf=20, minSumHessian=1e-3, lambdaL2=0, minGainToSplit=0, featureFraction=1,
# baggingFraction=1; LightGBM bundles exclusive features by default, like bundle=true). LightGBM finds its bin
# bounds on a seeded sample of 200,000 rows (bin_construct_sample_cnt), so on airline (245,723 rows) its AUC varies
# with the seed (0.752-0.761 over seeds 0-4) although nothing else is random; XGBoost's does not.
GBDT_TREES = 100
LGBM_PARAMS = {"objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "max_depth": -1, "max_bin": 255,
               "min_data_in_leaf": 20, "min_sum_hessian_in_leaf": 1e-3, "lambda_l2": 0.0, "min_gain_to_split": 0.0,
               "feature_fraction": 1.0, "bagging_fraction": 1.0, "verbose": -1}
# XGBoost has no min_data_in_leaf; min_child_weight is its min_sum_hessian.
XGB_PARAMS = {"objective": "binary:logistic", "tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31,
              "max_depth": 0, "max_bin": 255, "eta": 0.1, "min_child_weight": 1e-3, "reg_lambda": 0.0,
              "subsample": 1.0, "colsample_bytree": 1.0}
# MLCore's mlp defaults: hiddenLayers=100, activation=relu, solver=adam, learningRate=0.001, batchSize=200,
# maxEpochs=200, alpha=0.0001, tolerance=1e-4, nIterNoChange=10, standardize=true.
MLP_PARAMS = {"hidden_layer_sizes": (100,), "activation": "relu", "solver": "adam", "learning_rate_init": 1e-3,
              "batch_size": 200, "max_iter": 200, "alpha": 1e-4, "tol": 1e-4, "n_iter_no_change": 10}


# ---------------------------------------------------------------------------------------------------------------
# Data

def synthetic(n_samples=100_000):
    """The synthetic task: make_classification with 28 features, seed 0 (also used by bench-train-peers)."""
    x, y = make_classification(n_samples=n_samples, n_features=28, n_informative=12, n_redundant=6,
                               flip_y=0.05, class_sep=0.8, random_state=0)
    return x.astype(np.float32), y


def dataset(name):
    """(x float32, y int) of a dataset split at random per seed."""
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
        return synthetic()
    raise SystemExit(f"unknown dataset {name}")


def write_csv(path, x, y=None, label="label"):
    """Features f0..fN (and the label last); float32 shortest repr, which reads back as the same float32."""
    cols = [f"f{i}" for i in range(x.shape[1])]
    with open(path, "w") as f:
        f.write(",".join(cols + ([label] if y is not None else [])) + "\n")
        for i, row in enumerate(x):
            cells = [str(v) for v in row]
            if y is not None:
                cells.append(str(int(y[i])))
            f.write(",".join(cells) + "\n")


def strip_label(labeled_csv, out_csv):
    """The features of a CSV whose label is the last column (every file here), for `bench predict`."""
    with open(labeled_csv) as src, open(out_csv, "w") as dst:
        for line in src:
            dst.write(line.rstrip("\n").rsplit(",", 1)[0] + "\n")


def read_labeled_csv(path, label):
    """float32 features and int labels of a labeled CSV, parsed by pandas (correctly rounded)."""
    df = pd.read_csv(path)
    y = df.pop(label).to_numpy().astype(int)
    return df.to_numpy(dtype=np.float32), y


def ensure_airline(bench):
    if not all(os.path.exists(os.path.join(AIRLINE_DIR, f)) for f in ("train.csv", "test.csv")):
        print("building airline-nyc2013 ...", file=sys.stderr)
        subprocess.run([bench, "datasets", "build", "airline-nyc2013"], check=True, cwd=ROOT, stdout=sys.stderr)
    return os.path.join(AIRLINE_DIR, "train.csv"), os.path.join(AIRLINE_DIR, "test.csv")


# ---------------------------------------------------------------------------------------------------------------
# MLCore

class NotImplementedInBench(Exception):
    pass


# --early-stopping (mlp only): both sides hold out 10% of the training rows and stop after 10 epochs without
# improvement: MLCore on validation log-loss (`--validation-fraction 0.1`), scikit-learn on validation accuracy
# (`early_stopping=True`, its rule). Set by main().
EARLY_STOPPING = False


def bench_train(bench, algorithm, train_csv, test_csv, label, seed, threads, params=(), save=None, report=None):
    """One `bench train`; returns its report (dict). Raises NotImplementedInBench for "not implemented yet"."""
    cleanup = report is None
    if report is None:
        fd, report = tempfile.mkstemp(suffix=".json")
        os.close(fd)
    cmd = [bench, "train", "--algorithm", algorithm, "--train", train_csv, "--test", test_csv, "--label", label,
           "--report", report, "--seed", str(seed), "--threads", str(threads)]
    if save:
        cmd += ["--save", save]
    for p in params:
        cmd += ["--param", p]
    if EARLY_STOPPING:
        cmd += ["--validation-fraction", "0.1"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            if "not implemented yet" in r.stderr:
                raise NotImplementedInBench(r.stderr.strip().splitlines()[-1].removeprefix("Error: "))
            raise SystemExit(f"bench train failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
        with open(report) as f:
            return json.load(f)
    finally:
        if cleanup and os.path.exists(report):
            os.remove(report)


def onnx_probabilities(sess, x):
    """The probabilities as `bench predict` picks them: the last float tensor output, else a ZipMap's values."""
    outputs = sess.get_outputs()
    values = sess.run(None, {sess.get_inputs()[0].name: x})
    for meta, v in reversed(list(zip(outputs, values))):
        if meta.type in ("tensor(float)", "tensor(double)"):
            return np.asarray(v, dtype=np.float64).reshape(len(x), -1)
    for meta, v in reversed(list(zip(outputs, values))):
        if meta.type.startswith("seq(map"):
            keys = sorted(v[0].keys())
            return np.array([[m[k] for k in keys] for m in v], dtype=np.float64)
    raise SystemExit(f"no probability output among {[(o.name, o.type) for o in outputs]}")


def onnx_check(bench, model, x_test, x_test_csv, threads):
    """(onnxruntime's probabilities, max |onnxruntime - MLCore engine|) on the test rows."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    ort_p = onnx_probabilities(sess, x_test)
    engine = subprocess.run([bench, "predict", "--model", model, "--input", x_test_csv, "--threads", str(threads)],
                            check=True, capture_output=True, text=True)
    engine_p = np.loadtxt(engine.stdout.splitlines()[1:], delimiter=",", ndmin=2, dtype=np.float64)
    if engine_p.shape != ort_p.shape:
        raise SystemExit(f"{model}: engine gives {engine_p.shape} probabilities, onnxruntime {ort_p.shape}")
    return ort_p, float(np.max(np.abs(engine_p - ort_p)))


def auc(y, p):
    """Test AUC (scikit-learn): binary on the positive column (a single column is P(1)), else macro one-vs-rest."""
    p = np.asarray(p)
    if p.ndim == 1 or p.shape[1] == 1:
        return roc_auc_score(y, p.reshape(-1))
    return roc_auc_score(y, p[:, 1]) if p.shape[1] == 2 else roc_auc_score(y, p, multi_class="ovr", average="macro")


def mlcore_steps(report):
    """Iterations / epochs / trees as the report names them."""
    for key in ("iterations", "epochs", "trees", "num_trees"):
        if key in report:
            return report[key]
    return None


# ---------------------------------------------------------------------------------------------------------------
# Peers. Each fit returns {"fit_s", "binning_s" (or None), "steps", "predict_proba": callable}.

def fit_sklearn_logreg(x, y, seed, threads, **_):
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        pipe.fit(x, y)
        fit_s = time.perf_counter() - t0
    return {"fit_s": fit_s, "binning_s": None, "steps": int(np.max(pipe[-1].n_iter_)),
            "predict_proba": pipe.predict_proba}


def fit_sklearn_mlp(x, y, seed, threads, max_epochs=None, **_):
    params = dict(MLP_PARAMS, random_state=seed)
    if EARLY_STOPPING:
        params.update(early_stopping=True, validation_fraction=0.1)
    if max_epochs:
        params["max_iter"] = max_epochs
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**params))
    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        pipe.fit(x, y)
        fit_s = time.perf_counter() - t0
    return {"fit_s": fit_s, "binning_s": None, "steps": int(pipe[-1].n_iter_), "predict_proba": pipe.predict_proba}


def fit_lightgbm(x, y, seed, threads, **_):
    import lightgbm as lgb
    k = int(np.max(y)) + 1
    params = dict(LGBM_PARAMS, seed=seed, num_threads=threads)
    if k > 2:
        params.update(objective="multiclass", num_class=k)
    with threadpool_limits(threads):
        t0 = time.perf_counter()
        data = lgb.Dataset(x, label=y, params=params)
        data.construct()
        t1 = time.perf_counter()
        booster = lgb.train(params, data, num_boost_round=GBDT_TREES)
        t2 = time.perf_counter()

    def predict_proba(xt):
        p = booster.predict(xt, num_threads=threads)
        return np.column_stack([1 - p, p]) if p.ndim == 1 else p
    return {"fit_s": t2 - t0, "binning_s": t1 - t0, "steps": booster.current_iteration(),
            "predict_proba": predict_proba}


def fit_xgboost(x, y, seed, threads, **_):
    import xgboost as xgb
    k = int(np.max(y)) + 1
    params = dict(XGB_PARAMS, seed=seed, nthread=threads)
    if k > 2:
        params.update(objective="multi:softprob", num_class=k)
    with threadpool_limits(threads):
        t0 = time.perf_counter()
        data = xgb.QuantileDMatrix(x, label=y, max_bin=XGB_PARAMS["max_bin"], nthread=threads)
        t1 = time.perf_counter()
        booster = xgb.train(params, data, num_boost_round=GBDT_TREES)
        t2 = time.perf_counter()

    def predict_proba(xt):
        p = booster.inplace_predict(xt)
        return np.column_stack([1 - p, p]) if p.ndim == 1 else p
    return {"fit_s": t2 - t0, "binning_s": t1 - t0, "steps": booster.num_boosted_rounds(),
            "predict_proba": predict_proba}


PEERS = {
    "logreg": {"sklearn": fit_sklearn_logreg},
    "gbdt": {"lightgbm": fit_lightgbm, "xgboost": fit_xgboost},
    "mlp": {"sklearn": fit_sklearn_mlp},
}


def peer_versions():
    import lightgbm
    import xgboost
    return {"sklearn": sklearn.__version__, "lightgbm": lightgbm.__version__, "xgboost": xgboost.__version__,
            "onnxruntime": ort.__version__, "numpy": np.__version__}


# ---------------------------------------------------------------------------------------------------------------
# The comparison

def fmt_s(s):
    if s is None:
        return "n/a"
    return f"{s * 1e3:.1f}ms" if s < 1 else f"{s:.2f}s"


def fmt_auc(a):
    return "n/a" if a is None else f"{a:.6f}"


def summary(times):
    return {"min": min(times), "median": statistics.median(times), "all": list(times)} if times else None


def run_dataset(args, name):
    peers = PEERS[args.algorithm]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if name == "airline":
            train_csv, test_csv = ensure_airline(args.bench)
            label = AIRLINE_LABEL
            xtr, ytr = read_labeled_csv(train_csv, label)
            xte, yte = read_labeled_csv(test_csv, label)
            xte_csv = os.path.join(tmp, "x_test.csv")
            strip_label(test_csv, xte_csv)
            n_features = xtr.shape[1]
        else:
            x, y = dataset(name)
            n_features = x.shape[1]
            label = "label"
        for seed in args.seeds:
            if name != "airline":
                xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, stratify=y, random_state=seed)
                train_csv, test_csv = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
                xte_csv = os.path.join(tmp, "x_test.csv")
                write_csv(train_csv, xtr, ytr)
                write_csv(test_csv, xte, yte)
                strip_label(test_csv, xte_csv)
            model = os.path.join(tmp, "model.onnx")
            mine, mine_fit, mine_bin, not_implemented = None, [], [], None
            peer_fit = {p: [] for p in peers}
            peer_bin = {p: [] for p in peers}
            peer_last = {}
            for _ in range(args.repeats):
                if not_implemented is None:
                    try:
                        mine = bench_train(args.bench, args.algorithm, train_csv, test_csv, label, seed, args.threads,
                                           args.mlcore_param, save=model)
                        mine_fit.append(mine["train_seconds"])
                        if "binning_seconds" in mine:
                            mine_bin.append(mine["binning_seconds"])
                    except NotImplementedInBench as e:
                        not_implemented = str(e)
                for p, fit in peers.items():
                    peer_last[p] = fit(xtr, ytr, seed, args.threads)
                    peer_fit[p].append(peer_last[p]["fit_s"])
                    if peer_last[p]["binning_s"] is not None:
                        peer_bin[p].append(peer_last[p]["binning_s"])
            row = {"seed": seed, "train_rows": len(ytr), "test_rows": len(yte),
                   "mlcore": None if mine is None else {
                       "auc": mine["auc"], "fit_s": summary(mine_fit), "binning_s": summary(mine_bin),
                       "steps": mlcore_steps(mine), "report": mine},
                   "mlcore_not_implemented": not_implemented, "peers": {}, "onnx": None}
            for p, last in peer_last.items():
                with threadpool_limits(args.threads):
                    peer_auc = auc(yte, last["predict_proba"](xte))
                row["peers"][p] = {"auc": peer_auc, "fit_s": summary(peer_fit[p]), "binning_s": summary(peer_bin[p]),
                                   "steps": last["steps"]}
            if mine is not None:
                ort_p, diff = onnx_check(args.bench, model, xte, xte_csv, args.threads)
                row["onnx"] = {"auc": auc(yte, ort_p), "max_abs_vs_engine": diff}
            rows.append(row)
            print(f"  {name} seed {seed} done", file=sys.stderr)
    return report_dataset(args, name, n_features, rows)


def report_dataset(args, name, n_features, rows):
    peers = list(PEERS[args.algorithm])
    have_mine = all(r["mlcore"] is not None for r in rows)
    print(f"\n{name}: {rows[0]['train_rows']} train / {rows[0]['test_rows']} test rows, {n_features} features, "
          f"{args.algorithm}, {args.threads} thread(s), fit times min of {args.repeats}")
    head = f"{'seed':>4}  {'MLCore AUC':>10}" + "".join(f"  {p + ' AUC':>12}" for p in peers)
    head += f"  {'ORT AUC':>9}  {'ORT-engine':>10}  {'MLCore fit':>10}" + "".join(f"  {p + ' fit':>12}" for p in peers)
    head += "  steps (MLCore/" + "/".join(peers) + ")"
    print(head)
    for r in rows:
        m, o = r["mlcore"], r["onnx"]
        line = f"{r['seed']:>4}  {fmt_auc(m and m['auc']):>10}"
        line += "".join(f"  {fmt_auc(r['peers'][p]['auc']):>12}" for p in peers)
        line += f"  {fmt_auc(o and o['auc']):>9}  {'n/a' if o is None else format(o['max_abs_vs_engine'], '.2e'):>10}"
        line += f"  {fmt_s(m and m['fit_s']['min']):>10}"
        line += "".join(f"  {fmt_s(r['peers'][p]['fit_s']['min']):>12}" for p in peers)
        line += "  " + "/".join("n/a" if x is None else str(x) for x in [m and m["steps"]] + [r["peers"][p]["steps"] for p in peers])
        print(line)
    if not have_mine:
        print(f"MLCore: n/a ({rows[0]['mlcore_not_implemented'] or 'no report'})")

    result = {"train_rows": rows[0]["train_rows"], "test_rows": rows[0]["test_rows"], "features": n_features,
              "seeds": rows, "systems": {}, "verdicts": {}}
    systems = ([("MLCore", lambda r: r["mlcore"])] if have_mine else []) + \
              [(p, lambda r, p=p: r["peers"][p]) for p in peers]
    for sys_name, get in systems:
        aucs = [get(r)["auc"] for r in rows]
        result["systems"][sys_name] = {
            "auc_mean": statistics.fmean(aucs), "auc_std": statistics.pstdev(aucs),
            "fit_min_s": min(t for r in rows for t in get(r)["fit_s"]["all"]),
            "fit_median_s": statistics.median(t for r in rows for t in get(r)["fit_s"]["all"]),
            "binning_min_s": min((get(r)["binning_s"]["min"] for r in rows if get(r)["binning_s"]), default=None),
        }
    print(f"{'system':>10}  {'mean AUC':>9}  {'std':>8}  {'fit min':>9}  {'fit median':>10}  {'binning min':>11}")
    for sys_name, s in result["systems"].items():
        print(f"{sys_name:>10}  {s['auc_mean']:>9.6f}  {s['auc_std']:>8.6f}  {fmt_s(s['fit_min_s']):>9}  "
              f"{fmt_s(s['fit_median_s']):>10}  {fmt_s(s['binning_min_s']):>11}")
    ok = True
    for p in peers:
        peer = result["systems"][p]
        if not have_mine:
            result["verdicts"][p] = {"auc_ok": None}
            print(f"vs {p}: bar (MLCore mean AUC >= {p} - {AUC_BAR}): n/a (MLCore {args.algorithm} not implemented)")
            continue
        mine = result["systems"]["MLCore"]
        gap = mine["auc_mean"] - peer["auc_mean"]
        ratio_min, ratio_median = mine["fit_min_s"] / peer["fit_min_s"], mine["fit_median_s"] / peer["fit_median_s"]
        auc_ok = gap >= -AUC_BAR
        ok = ok and auc_ok
        result["verdicts"][p] = {"auc_diff": gap, "auc_ok": auc_ok, "fit_ratio_min": ratio_min,
                                 "fit_ratio_median": ratio_median}
        print(f"vs {p}: mean AUC diff {gap:+.6f} (bar >= -{AUC_BAR}: {'met' if auc_ok else 'NOT met'}); "
              f"fit time MLCore/{p} {ratio_min:.2f}x (min) {ratio_median:.2f}x (median)")
    if have_mine:
        max_diff = max(r["onnx"]["max_abs_vs_engine"] for r in rows)
        auc_eq = max(abs(r["onnx"]["auc"] - r["mlcore"]["auc"]) for r in rows)
        ort_ok = max_diff <= ORT_TOLERANCE and auc_eq < 1e-6
        ok = ok and ort_ok
        result["onnx"] = {"max_abs_vs_engine": max_diff, "max_auc_diff_vs_report": auc_eq, "ok": ort_ok}
        print(f"onnxruntime vs MLCore engine: max |p diff| {max_diff:.2e}, |ORT AUC - reported AUC| <= {auc_eq:.1e} "
              f"({'ok' if ort_ok else 'FAILS'}: <= {ORT_TOLERANCE:g} and < 1e-6)")
    result["ok"] = ok if have_mine else None
    return result


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--algorithm", required=True, choices=sorted(PEERS))
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/bench"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    ap.add_argument("--datasets", default="breast_cancer,digits,synthetic,airline")
    ap.add_argument("--mlcore-param", action="append", default=[], help="passed to bench train as --param")
    ap.add_argument("--early-stopping", action="store_true",
                    help="mlp: both sides stop on a 10%% validation split (see EARLY_STOPPING)")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(",")]
    return args


def main(argv=None):
    global EARLY_STOPPING
    args = parse_args(argv)
    EARLY_STOPPING = args.early_stopping
    sys.stdout.reconfigure(line_buffering=True)
    if not os.path.exists(args.bench):
        raise SystemExit(f"{args.bench} not found: swift build -c release --product bench")
    versions = peer_versions()
    print(f"{args.algorithm}: " + ", ".join(f"{k} {v}" for k, v in versions.items()) +
          f"; threads {args.threads}, seeds {args.seeds}, {args.repeats} fit repeats (min and median); "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, load average {os.getloadavg()[0]:.2f}")
    out = {"algorithm": args.algorithm, "early_stopping": args.early_stopping, "threads": args.threads, "repeats": args.repeats, "seeds": args.seeds,
           "versions": versions, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
           "mlcore_params": args.mlcore_param,
           "peer_params": {"logreg": {"sklearn": "make_pipeline(StandardScaler(), LogisticRegression())"},
                           "gbdt": {"lightgbm": dict(LGBM_PARAMS, num_boost_round=GBDT_TREES),
                                    "xgboost": dict(XGB_PARAMS, num_boost_round=GBDT_TREES)},
                           "mlp": {"sklearn": dict(MLP_PARAMS, hidden_layer_sizes=list(MLP_PARAMS["hidden_layer_sizes"]))},
                           }[args.algorithm],
           "datasets": {}}
    all_ok = True
    for name in args.datasets.split(","):
        result = run_dataset(args, name)
        out["datasets"][name] = result
        all_ok = all_ok and result["ok"] is not False
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
