#!/usr/bin/env python3
"""Re-derive the airline-nyc2013 train/test files with pandas, independently of the Swift recipe, and compare.

The Swift recipe (Sources/MLCoreData/Recipes/AirlineNYC2013.swift, run by `bench datasets build airline-nyc2013`)
is the reference; this script is a second implementation of the same benchm-ml rules, so that a mistake in either
shows up as a checksum difference:
  drop rows without dep_delay or dep_time; label dep_delayed_15min = dep_delay >= 15; features month,
  day_of_month, day_of_week (ISO 1..7), dep_time, distance, then carrier/origin/dest one-hot over the sorted
  categories of the kept rows; train = months 1-9, test = months 10-12; every value an integer.

Run: .venv-peers/bin/python scripts/datasets/check_airline_recipe.py [BUILD_DIR]
     (BUILD_DIR defaults to datasets/build/airline-nyc2013; exits 1 when a file differs)
"""
from __future__ import annotations

import datetime
import hashlib
import io
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    build = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "datasets" / "build" / "airline-nyc2013"
    df = pd.read_csv(ROOT / "datasets" / "airline-nyc2013" / "flights-2013.csv", keep_default_na=False,
                     na_values=[""], dtype={"carrier": str, "origin": str, "dest": str})
    df = df.dropna(subset=["dep_delay", "dep_time"])
    out = pd.DataFrame({
        "month": df["month"].astype(int),
        "day_of_month": df["day"].astype(int),
        "day_of_week": [datetime.date(y, m, d).isoweekday() for y, m, d in zip(df["year"], df["month"], df["day"])],
        "dep_time": df["dep_time"].astype(int),
        "distance": df["distance"].astype(int),
    }, index=df.index)
    onehot = {f"{column}_{level}": (df[column] == level).astype(int)
              for column in ["carrier", "origin", "dest"] for level in sorted(df[column].unique())}
    label = {"dep_delayed_15min": (df["dep_delay"] >= 15).astype(int)}
    out = pd.concat([out, pd.DataFrame(onehot, index=df.index), pd.DataFrame(label, index=df.index)], axis=1)
    status = 0
    for name, mask in (("train.csv", out["month"] <= 9), ("test.csv", out["month"] >= 10)):
        buffer = io.StringIO()
        out[mask].to_csv(buffer, index=False, lineterminator="\n")
        expected = hashlib.sha256(buffer.getvalue().encode()).hexdigest()
        built = build / name
        actual = hashlib.sha256(built.read_bytes()).hexdigest() if built.exists() else "(missing)"
        same = expected == actual
        status |= not same
        print(f"{name}: {int(mask.sum())} rows; pandas sha256 {expected}; built {actual}: {'same' if same else 'DIFFERENT'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
