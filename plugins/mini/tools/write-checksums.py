#!/usr/bin/python3
"""Write each mini competition's checksums.yaml (MLE-bench's format, docs/mlebench-grading.md §Registry).

    /usr/bin/python3 plugins/mini/tools/write-checksums.py [ID ...]

MD5s of the prepared public/ and private/ CSVs, which `aira data check` compares, plus the SHA-256
of the Debian files they were prepared from (`sources`, our addition), so a test can tell "the
preparation changed" from "Debian shipped different data". Run it after changing a prepare.py.
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGIN = HERE.parent
sys.path.insert(0, str(HERE))

from prepare import main as prepare_main  # noqa: E402

IDS = ["mini-fashion-mnist", "mini-fortunes", "mini-breast-cancer", "mini-diabetes", "mini-letter", "mini-satellite"]
CHECKED = (".csv", ".json", ".jsonl", ".parquet", ".bson")


def digest(path: Path, algo: str) -> str:
    return hashlib.new(algo, path.read_bytes()).hexdigest()


def write(cid: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = prepare_main([str(PLUGIN / cid), tmp])
        if rc != 0:
            raise SystemExit(rc)
        sources = json.loads(buf.getvalue().strip().splitlines()[-1])["sources"]
        lines = ["# Written by plugins/mini/tools/write-checksums.py; do not edit by hand."]
        for side in ("private", "public"):
            lines.append(f"{side}:")
            for f in sorted((Path(tmp) / side).iterdir()):
                if f.suffix in CHECKED:
                    lines.append(f"  {f.name}: {digest(f, 'md5')}")
        lines.append("sources:")
        for s in sources:
            lines.append(f"  {s}: {digest(Path(s), 'sha256')}")
    (PLUGIN / cid / "checksums.yaml").write_text("\n".join(lines) + "\n")
    print(f"{cid}: checksums.yaml written")


if __name__ == "__main__":
    for cid in sys.argv[1:] or IDS:
        write(cid)
