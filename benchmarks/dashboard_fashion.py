"""The dashboard on Fashion-MNIST at full size (issue 20), in headless Debian Chromium against a real `streamlit
run` with an empty run store: PCA's curve after choosing the dataset, every default method drawn, a warm
bottleneck change on Error curves, the Embeddings page with 14,000 test points per method once models exist, and
the server's peak memory.

Targets: PCA's curve <= 20 s after choosing the dataset; a warm bottleneck change <= 0.5 s; the Embeddings page
<= 3 s; server peak RSS <= 2.5 GB.
Rerun: `.venv/bin/python benchmarks/dashboard_fashion.py` (needs the fashion-mnist files and Debian's chromium;
about 5 minutes on 2 cores); `--quick` does the same on digits.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from dashboard_latency import (
    CHROMIUM_ARGS,
    TRAIN_MS,
    choose_dataset,
    curves_mark,
    dashboard,
    median_change_seconds,
    open_page,
    rss_gb,
    wait_until_idle,
)
from harness import print_measures

TARGETS = {"PCA's curve after choosing the dataset (s)": 20.0, "warm bottleneck change, Error curves (s)": 0.5,
           "Embeddings page once models exist (s)": 3.0, "server peak RSS (GB)": 2.5}
ROWS = {"fashion-mnist": "70,000 samples", "digits": "1,797 samples"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits instead of fashion-mnist")
    args = parser.parse_args()
    name = "digits" if args.quick else "fashion-mnist"
    from playwright.sync_api import sync_playwright

    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as store, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        with dashboard(Path(store)) as (url, pid, _):
            page.goto(f"{url}/?dataset=iris")  # a small start, so the switch below is what is timed
            wait_until_idle(page)
            started = time.perf_counter()
            choose_dataset(page, name)
            page.get_by_text(ROWS[name]).first.wait_for(timeout=TRAIN_MS)
            page.locator('[data-testid="stPlotlyChart"]').get_by_text("PCA").first.wait_for(timeout=TRAIN_MS)
            measured["PCA's curve after choosing the dataset (s)"] = time.perf_counter() - started
            wait_until_idle(page)
            measured["every default method drawn (s)"] = time.perf_counter() - started
            measured["warm bottleneck change, Error curves (s)"] = median_change_seconds(page, curves_mark(page))
            started = time.perf_counter()
            open_page(page, "Embeddings")
            page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
            measured["Embeddings page once models exist (s)"] = time.perf_counter() - started
            measured["server peak RSS (GB)"] = rss_gb(pid)
        browser.close()

    print(f"Dashboard on {name}" + ("  [--quick: not comparable with the targets]" if args.quick else ""))
    print_measures(measured, TARGETS)


if __name__ == "__main__":
    main()
