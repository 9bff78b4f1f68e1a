#!/usr/bin/env python3
"""Logistic regression: MLCore vs scikit-learn. Kept for its command line; the work is done by train_peers.py
(`--algorithm logreg`), whose docstring says what is measured and how. Defaults here: 5 fit repeats and the three
small datasets (add airline with --datasets breast_cancer,digits,synthetic,airline).

Usage: .venv-peers/bin/python scripts/peers/logreg_peers.py [--bench .build/release/bench] [--threads 1]
       [--repeats 5] [--datasets breast_cancer,digits,synthetic] [--seeds 0,1,2,3,4] [--json PATH]
"""
import sys

from train_peers import main

if __name__ == "__main__":
    sys.exit(main(["--algorithm", "logreg", "--repeats", "5", "--datasets", "breast_cancer,digits,synthetic"]
                  + sys.argv[1:]))
