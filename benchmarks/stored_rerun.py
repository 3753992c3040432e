"""A stored rerun is a CSV read: the CLI sweep on wine (k = 1, 2, 4, 8, 12, default methods) run twice as whole
processes, the second finding every run in the store (issue 19, item 6, target: the rerun at least 3x faster than
the first run), and what `import pipelines` itself costs.

Rerun:  .venv/bin/python benchmarks/stored_rerun.py            (about a minute on 2 cores)
        .venv/bin/python benchmarks/stored_rerun.py --quick    (smoke test: few epochs)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile

import harness
from harness import verdict
from whole_process import seconds_of

SPEED_UP_TARGET = 3.0
QUICK = ["--param", "linear_ae.epochs=5", "--param", "nonlinear_ae.epochs=5"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: few epochs")
    args = parser.parse_args()
    print(harness.machine_line())
    imports = statistics.median(seconds_of([sys.executable, "-c", "import pipelines"]) for _ in range(3))
    print(f"import pipelines: {imports:.2f} s (median of 3 processes)")
    with tempfile.TemporaryDirectory() as store:
        sweep = [sys.executable, "-m", "pipelines", "sweep", "--dataset", "wine", "--bottlenecks", "1,2,4,8,12",
                 "--store-dir", store,
                 *(QUICK if args.quick else [])]
        first = seconds_of(sweep)
        rerun = statistics.median(seconds_of(sweep) for _ in range(3))
    print(f"first run (trains): {first:.1f} s; stored rerun: {rerun:.2f} s (median of 3)")
    ratio = first / rerun
    print(verdict(args.quick or ratio >= SPEED_UP_TARGET, f"stored rerun >= {SPEED_UP_TARGET:g}x faster",
                  f"{ratio:.1f}x"))


if __name__ == "__main__":
    main()
