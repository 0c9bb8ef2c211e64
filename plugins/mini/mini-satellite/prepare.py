"""mini-satellite: the Statlog (Landsat) satellite data from Debian's r-cran-mlbench, 4,435 train / 2,000 test."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mini_common import fmt, read_rda_frame, rng, stratified_pick, write_competition

SOURCES = [Path("/usr/lib/R/site-library/mlbench/data/Satellite.rda")]
# The UCI release's own sizes (4,435 training, 2,000 test), drawn again stratified and seeded.
N_TEST = 2000
# Columns x.1 … x.36: a 3×3 pixel neighbourhood (row-major) × 4 spectral bands, band fastest;
# the label is the central pixel's class.
FEATURES = [f"p{pixel}_b{band}" for pixel in range(1, 10) for band in range(1, 5)]


def prepare(public: Path, private: Path) -> None:
    df = read_rda_frame(SOURCES[0], "Satellite")
    if df.shape != (6435, 37):
        raise ValueError(f"{SOURCES[0]}: expected 6,435 rows of 37 columns, found {df.shape}")
    y = np.array([v.replace(" ", "-") for v in df["classes"].astype(str)])  # "red soil" -> "red-soil"
    x = df[[f"x.{k}" for k in range(1, 37)]].to_numpy(dtype=float)
    r = rng(6)
    is_test = np.zeros(len(y), dtype=bool)
    is_test[stratified_pick(y, N_TEST, r)] = True
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=FEATURES,
        label_cols=["landcover"],
        ids=r.permutation(len(y)),
        features=[[fmt(v) for v in row] for row in x.tolist()],
        labels=[[v] for v in y],
        is_test=is_test,
        submission_cols=["landcover"],
        sample_values=["red-soil"],
    )
