#!/usr/bin/env python3
"""Write the small real sets committed under datasets/: breast-cancer and digits-ge5.

  breast-cancer  scikit-learn's load_breast_cancer (UCI Wisconsin Diagnostic Breast Cancer, 569 rows,
                 30 features); label `benign` = scikit-learn's target (1 benign, 0 malignant).
  digits-ge5     scikit-learn's load_digits (UCI Optical Recognition of Handwritten Digits test set, 1,797
                 8x8 images, 64 features 0..16); label `digit_ge5` = 1 when the digit is 5 or more.

Split: sklearn.model_selection.train_test_split(test_size=0.25, stratify=label, random_state=42).
Each set is written as train.csv and test.csv: a header row (feature names in snake_case), the label column
last. Numbers are printed as MLCore's CSV writer prints them: an integral value as an integer, any other
value as the shortest decimal that reads back to the same double (Python's repr).

Run: .venv-peers/bin/python scripts/datasets/make_small_sets.py  (prints rows and SHA-256 of every file)
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[2]


def cell(v: float) -> str:
    v = float(v)
    if v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    return repr(v)


def snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def write(name: str, features: list[str], label: str, X: np.ndarray, y: np.ndarray) -> None:
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
    out = ROOT / "datasets" / name
    out.mkdir(parents=True, exist_ok=True)
    for split, Xs, ys in (("train", X_train, y_train), ("test", X_test, y_test)):
        lines = [",".join(features + [label])]
        lines += [",".join([cell(v) for v in row] + [str(int(t))]) for row, t in zip(Xs, ys)]
        data = ("\n".join(lines) + "\n").encode("ascii")
        path = out / f"{split}.csv"
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: {len(ys)} rows, {int(ys.sum())} positive, {len(data)} bytes, "
              f"sha256 {hashlib.sha256(data).hexdigest()}")


def main() -> None:
    bc = load_breast_cancer()
    write("breast-cancer", [snake(f) for f in bc.feature_names], "benign", bc.data, bc.target)
    digits = load_digits()
    write("digits-ge5", [snake(f) for f in digits.feature_names], "digit_ge5", digits.data,
          (digits.target >= 5).astype(np.int64))


if __name__ == "__main__":
    main()
