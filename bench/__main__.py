"""Run every benchmark in this folder: `make bench` (PostgreSQL, separate *_bench databases)."""

import pathlib
import runpy
import sys

for path in sorted(pathlib.Path(__file__).parent.glob("bench_*.py")):
    print(f"\n=== {path.stem}")
    sys.argv = [str(path)]
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
