#!/usr/bin/env python3
"""Write the small fixtures of Tests/MLCoreDataTests/Fixtures with pandas, NumPy, h5py and scikit-learn.

  csv/numeric.csv          pandas.DataFrame.to_csv: floats of many magnitudes, ints, NaN (empty cells), a quoted
                           header; numeric.npy holds pandas.read_csv(...).to_numpy(float32) for it
  csv/mixed.csv            pandas: ints, floats with NaN, strings with commas/quotes/spaces, booleans;
                           mixed.json: pandas' dtype per column, missing counts, numeric columns as float64 lists
  npy/*.npy                numpy.save: float32/float64/int32/int64 of ranks 0..3 (C order), an empty array,
                           and files MLCore must refuse: Fortran order, big-endian, unsupported dtype, truncated
                           data, trailing data, a bad magic
  hdf5/datasets.h5         h5py: float32/float64/int32/int64/uint8 datasets in groups, a gzip-chunked one,
                           a scalar, a string dataset (unsupported); hdf5/expected_*.npy hold the same arrays
  transforms/scaler_*.npy  sklearn StandardScaler on data with NaN: input, mean_, scale_, transform output
  transforms/onehot.csv    sklearn OneHotEncoder(handle_unknown="ignore") on two string columns and one int
                           column: onehot_fit.csv (fit), onehot.npy (transform of onehot_apply.csv, float32)

Deterministic: every array comes from numpy.random.default_rng(2024). Run with the peers env:
  .venv-peers/bin/python scripts/datasets/make_test_fixtures.py
"""
from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "MLCoreDataTests" / "Fixtures"
rng = np.random.default_rng(2024)


def csv_fixtures() -> None:
    d = OUT / "csv"
    d.mkdir(parents=True, exist_ok=True)
    n = 200
    df = pd.DataFrame({
        "small": rng.normal(size=n) * 1e-6,
        "unit": rng.uniform(-1, 1, size=n),
        "big": rng.normal(size=n) * 1e12,
        "count": rng.integers(-1000, 1000, size=n),
        "with missing": np.where(rng.uniform(size=n) < 0.2, np.nan, rng.normal(size=n)),
        "rounded": np.round(rng.normal(size=n) * 100, 2),
    })
    df.to_csv(d / "numeric.csv", index=False)
    back = pd.read_csv(d / "numeric.csv")
    np.save(d / "numeric.npy", np.ascontiguousarray(back.to_numpy(np.float32)))

    m = 12
    mixed = pd.DataFrame({
        "id": np.arange(m),
        "value": np.where(np.arange(m) % 5 == 3, np.nan, np.round(rng.normal(size=m), 3)),
        "name": [f"item {i}" if i % 4 else f'say "hi", {i}' for i in range(m)],
        "city": ["NYC", "SFO", "NYC", None, "LAX", "SFO", "NYC", "LAX", "SFO", "NYC", None, "BOS"],
        "flag": [bool(i % 3) for i in range(m)],
    })
    mixed.to_csv(d / "mixed.csv", index=False)
    back = pd.read_csv(d / "mixed.csv")
    info = {
        "columns": list(back.columns),
        "dtypes": {c: str(back[c].dtype) for c in back.columns},
        "missing": {c: int(back[c].isna().sum()) for c in back.columns},
        "distinct": {c: int(back[c].nunique()) for c in back.columns},
        "numeric": {c: [None if np.isnan(v) else float(v) for v in back[c].to_numpy(np.float64)]
                    for c in back.columns if back[c].dtype.kind in "if"},
        "strings": {c: [None if isinstance(v, float) else str(v) for v in back[c]]
                    for c in back.columns if back[c].dtype.kind not in "if"},
    }
    (d / "mixed.json").write_text(json.dumps(info, indent=1) + "\n")


def npy_fixtures() -> None:
    d = OUT / "npy"
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / "f4_2x3.npy", rng.normal(size=(2, 3)).astype(np.float32))
    np.save(d / "f8_5.npy", rng.normal(size=5))
    np.save(d / "i4_2x3x4.npy", rng.integers(-2**31, 2**31 - 1, size=(2, 3, 4), dtype=np.int32))
    np.save(d / "i8_7.npy", rng.integers(-2**62, 2**62, size=7, dtype=np.int64))
    np.save(d / "f8_scalar.npy", np.float64(3.25))
    np.save(d / "f4_0x3.npy", np.zeros((0, 3), dtype=np.float32))
    np.save(d / "f4_fortran.npy", np.asfortranarray(rng.normal(size=(3, 2)).astype(np.float32)))
    np.save(d / "f4_bigendian.npy", rng.normal(size=4).astype(">f4"))
    np.save(d / "u1_3.npy", np.array([1, 2, 3], dtype=np.uint8))
    np.save(d / "i1_2x2.npy", np.array([[-128, -1], [0, 127]], dtype=np.int8))
    np.save(d / "i2_3.npy", np.array([-32768, 7, 32767], dtype=np.int16))
    np.save(d / "u2_3.npy", np.array([0, 7, 65535], dtype=np.uint16))
    np.save(d / "u4_3.npy", np.array([0, 7, 2**32 - 1], dtype=np.uint32))
    np.save(d / "u8_3.npy", np.array([0, 7, 2**64 - 1], dtype=np.uint64))
    np.save(d / "f2_2x3.npy", np.array([[1.5, -2.0, 65504.0], [6e-8, np.inf, -0.0]], dtype=np.float16))
    np.save(d / "c8_2.npy", np.array([1 + 2j, 3 - 4j], dtype=np.complex64))  # refused: no complex tensors
    good = (d / "f4_2x3.npy").read_bytes()
    (d / "bad_truncated.npy").write_bytes(good[:-4])        # header says 24 data bytes, file has 20
    (d / "bad_trailing.npy").write_bytes(good + b"\0" * 8)  # 8 bytes more than the header accounts for
    (d / "bad_magic.npy").write_bytes(b"\x93NUMPX" + good[6:])
    hdr = good[:good.index(b"\n") + 1].replace(b"'shape': (2, 3)", b"'shape': (2, 9)")
    (d / "bad_shape.npy").write_bytes(hdr + good[len(hdr):])  # same header length, claims 72 bytes


def hdf5_fixtures() -> None:
    d = OUT / "hdf5"
    d.mkdir(parents=True, exist_ok=True)
    arrays = {
        "features": rng.normal(size=(4, 3)).astype(np.float32),
        "group/labels": rng.integers(0, 2, size=4).astype(np.int64),
        "group/sub/cube": rng.normal(size=(2, 2, 2)),
        "counts": rng.integers(-100, 100, size=5).astype(np.int32),
        "bytes": np.array([0, 7, 255], dtype=np.uint8),
        "chunked": rng.normal(size=(64, 10)).astype(np.float32),
    }
    with h5py.File(d / "datasets.h5", "w", track_order=True) as f:
        for name, a in arrays.items():
            if name == "chunked":
                f.create_dataset(name, data=a, chunks=(16, 10), compression="gzip")
            else:
                f.create_dataset(name, data=a)
        f.create_dataset("scalar", data=np.float64(2.5))
        f.create_dataset("names", data=np.array([b"a", b"bc"], dtype="S2"))
        f.attrs["written_by"] = "scripts/datasets/make_test_fixtures.py"
    for name, a in arrays.items():
        np.save(d / f"expected_{name.replace('/', '_')}.npy", a)


def transform_fixtures() -> None:
    d = OUT / "transforms"
    d.mkdir(parents=True, exist_ok=True)
    X = rng.normal(size=(50, 4)) * np.array([1.0, 10.0, 1e-3, 0.0]) + np.array([0.0, 5.0, -2.0, 7.0])
    X[rng.uniform(size=X.shape) < 0.1] = np.nan
    s = StandardScaler().fit(X)
    np.save(d / "scaler_input.npy", X)
    np.save(d / "scaler_mean.npy", s.mean_)
    np.save(d / "scaler_scale.npy", s.scale_)
    np.save(d / "scaler_output.npy", s.transform(X))

    fit = pd.DataFrame({"carrier": ["UA", "AA", "B6", "UA", "DL"], "origin": ["EWR", "JFK", "LGA", "JFK", "EWR"],
                        "code": [3, 1, 2, 3, 10]})
    apply = pd.DataFrame({"carrier": ["AA", "ZZ", "UA"], "origin": ["LGA", "EWR", "XXX"], "code": [10, 3, 4]})
    fit.to_csv(d / "onehot_fit.csv", index=False)
    apply.to_csv(d / "onehot_apply.csv", index=False)
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(fit)
    np.save(d / "onehot.npy", enc.transform(apply).astype(np.float32))
    (d / "onehot_features.txt").write_text("\n".join(enc.get_feature_names_out()) + "\n")


if __name__ == "__main__":
    csv_fixtures()
    npy_fixtures()
    hdf5_fixtures()
    transform_fixtures()
    print(f"fixtures written to {OUT.relative_to(ROOT)}")
