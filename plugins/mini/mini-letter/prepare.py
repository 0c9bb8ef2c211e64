"""mini-letter: 8,000 training and 4,000 test rows of the UCI letter-recognition data from Debian's r-cran-mlbench."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mini_common import fmt, read_rda_frame, rng, stratified_pick, write_competition

SOURCES = [Path("/usr/lib/R/site-library/mlbench/data/LetterRecognition.rda")]
# A subset of the 20,000 rows keeps every candidate script at seconds on two cores, while the gap
# between a first linear model (~0.77 accuracy) and tuned trees, kernels or neighbours (~0.95) stays.
N_TRAIN, N_TEST = 8000, 4000


def prepare(public: Path, private: Path) -> None:
    df = read_rda_frame(SOURCES[0], "LetterRecognition")
    if df.shape != (20000, 17):  # the UCI set as documented
        raise ValueError(f"{SOURCES[0]}: expected 20,000 rows of 17 columns, found {df.shape}")
    feats = [c for c in df.columns if c != "lettr"]
    # 16 small integers repeat: keep only rows whose feature vector occurs once, so no test row has
    # a labelled twin (which would leak its label, or contradict it).
    df = df[~df.duplicated(subset=feats, keep=False)].reset_index(drop=True)
    y = df["lettr"].astype(str).to_numpy()
    r = rng(5)
    picked = stratified_pick(y, N_TRAIN + N_TEST, r)
    test = picked[stratified_pick(y[picked], N_TEST, r)]  # the test rows, class-balanced within the subset
    is_test_all = np.zeros(len(y), dtype=bool)
    is_test_all[test] = True
    x = df[feats].to_numpy(dtype=float)[picked]
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=[c.replace(".", "_") for c in feats],  # x.box -> x_box: plain identifiers
        label_cols=["letter"],
        ids=r.permutation(len(picked)),
        features=[[fmt(v) for v in row] for row in x.tolist()],
        labels=[[v] for v in y[picked]],
        is_test=is_test_all[picked],
        submission_cols=["letter"],
        sample_values=["A"],
    )
