#!/usr/bin/python3
"""Prepare one mini competition from the installed Debian files into MLE-bench's layout.

    /usr/bin/python3 plugins/mini/tools/prepare.py plugins/mini/<id> <out>

writes <out>/public/{train.csv,test.csv,sample_submission.csv,description.md} and
<out>/private/test.csv, then prints {"sources": [...]} (the Debian files it read) on stdout. The TypeScript side (src/prepare.ts) adds caching, the content-hash marker
and the atomic move into <data>/<id>/prepared; this script only transforms.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))


def load(competition_dir: Path):
    spec = importlib.util.spec_from_file_location(f"prepare_{competition_dir.name.replace('-', '_')}", competition_dir / "prepare.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{competition_dir}/prepare.py: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: prepare.py COMPETITION_DIR OUT_DIR", file=sys.stderr)
        return 2
    comp, out = Path(argv[0]).resolve(), Path(argv[1])
    module = load(comp)
    missing = [str(p) for p in module.SOURCES if not Path(p).is_file()]
    if missing:
        print(f"{comp.name}: missing source files: {', '.join(missing)} (install Debian's dataset-fashion-mnist, fortunes, python3-sklearn, r-cran-mlbench and python3-rdata)", file=sys.stderr)
        return 3
    public, private = out / "public", out / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)
    module.prepare(public, private)
    shutil.copyfile(comp / "description.md", public / "description.md")
    # The caller records the sources' sizes and times in its marker, to notice a changed Debian package.
    print(json.dumps({"sources": [str(p) for p in module.SOURCES]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
