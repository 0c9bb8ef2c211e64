"""mini-diabetes: Efron et al.'s diabetes progression data (raw, unscaled) from Debian's python3-sklearn."""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from mini_common import fmt, rng, stratified_pick, write_competition

_DIR = Path("/usr/lib/python3/dist-packages/sklearn/datasets/data")
SOURCES = [_DIR / "diabetes_data_raw.csv.gz", _DIR / "diabetes_target.csv.gz"]
TEST_FRACTION = 0.2
FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def prepare(public: Path, private: Path) -> None:
    x = [line.split() for line in gzip.open(SOURCES[0], "rt").read().splitlines() if line.strip()]
    y = [float(line) for line in gzip.open(SOURCES[1], "rt").read().splitlines() if line.strip()]
    if len(x) != len(y) or any(len(row) != len(FEATURES) for row in x):
        raise ValueError(f"{SOURCES[0]}: expected rows of {len(FEATURES)} values matching {SOURCES[1]}")
    n = len(y)
    r = rng(4)
    is_test = np.zeros(n, dtype=bool)
    is_test[stratified_pick([0] * n, round(TEST_FRACTION * n), r)] = True  # plain random split
    train_mean = float(np.mean([y[i] for i in range(n) if not is_test[i]]))
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=FEATURES,
        label_cols=["progression"],
        ids=r.permutation(n),
        features=x,
        labels=[[fmt(v)] for v in y],
        is_test=is_test,
        submission_cols=["progression"],
        sample_values=[round(train_mean, 2)],
    )
