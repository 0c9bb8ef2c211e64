"""mini-breast-cancer: the Wisconsin diagnostic data as shipped in Debian's python3-sklearn."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mini_common import rng, stratified_pick, write_competition

SOURCES = [Path("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv")]
TEST_FRACTION = 0.3  # 0.2 left a test split on which most models score a perfect 1.0
_BASES = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave_points", "symmetry", "fractal_dimension"]
# Column order of the file (see sklearn/datasets/descr/breast_cancer.rst): 10 means, 10 standard errors, 10 worst.
FEATURES = [f"{kind}_{b}" for kind in ("mean", "se", "worst") for b in _BASES]


def prepare(public: Path, private: Path) -> None:
    lines = SOURCES[0].read_text().splitlines()
    n, n_feat = (int(v) for v in lines[0].split(",")[:2])
    rows = [line.split(",") for line in lines[1:] if line.strip()]
    if len(rows) != n or any(len(row) != n_feat + 1 for row in rows) or n_feat != len(FEATURES):
        raise ValueError(f"{SOURCES[0]}: expected {n} rows of {n_feat} features and a class")
    # The file codes 0 = malignant, 1 = benign; the task predicts malignancy, so 1 = malignant here.
    y = np.array([1 - int(row[-1]) for row in rows])
    r = rng(3)
    is_test = np.zeros(n, dtype=bool)
    is_test[stratified_pick(y, round(TEST_FRACTION * n), r)] = True
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=FEATURES,
        label_cols=["malignant"],
        ids=r.permutation(n),
        features=[row[:-1] for row in rows],  # the file's own text, so no float reformatting
        labels=[[int(v)] for v in y],
        is_test=is_test,
        submission_cols=["malignant"],
        sample_values=[0.5],
    )
