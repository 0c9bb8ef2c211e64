"""mini-fashion-mnist: 6,000 training and 1,000 test images drawn from Debian's dataset-fashion-mnist."""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from mini_common import rng, stratified_pick, write_competition

SRC = Path("/usr/share/datasets/fashion-mnist")
SOURCES = [SRC / f for f in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]
N_TRAIN, N_TEST = 6000, 1000
PIXEL_TEXT = [str(v) for v in range(256)]  # a lookup is ~8x faster than numpy's astype(str) here


def read_idx(path: Path) -> np.ndarray:
    """IDX format: big-endian magic (0x0801 labels, 0x0803 images), dimension sizes, then uint8 data."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 3):
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    dims = [int.from_bytes(data[4 + 4 * k : 8 + 4 * k], "big") for k in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims[0], -1) if ndim == 3 else arr


def prepare(public: Path, private: Path) -> None:
    r = rng(1)
    tr_x, tr_y = read_idx(SOURCES[0]), read_idx(SOURCES[1])
    te_x, te_y = read_idx(SOURCES[2]), read_idx(SOURCES[3])
    # Train from the official training file, test from the official test file, both class-balanced.
    tr = stratified_pick(tr_y, N_TRAIN, r)
    te = stratified_pick(te_y, N_TEST, r)
    x = np.concatenate([tr_x[tr], te_x[te]])
    y = np.concatenate([tr_y[tr], te_y[te]])
    is_test = np.arange(len(y)) >= N_TRAIN
    ids = r.permutation(len(y))
    write_competition(
        public,
        private,
        id_col="id",
        feature_cols=[f"pixel{k}" for k in range(x.shape[1])],
        label_cols=["label"],
        ids=ids,
        features=[[PIXEL_TEXT[v] for v in row] for row in x.tolist()],
        labels=[[int(v)] for v in y],
        is_test=is_test,
        submission_cols=["label"],
        sample_values=[0],
    )
