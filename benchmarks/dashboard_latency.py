"""Dashboard latency: cold start to the first chart, a restart with stored runs, a warm bottleneck change, and
the app's peak memory on mnist-5k, measured in headless Debian Chromium against a real `streamlit run`.

Targets (issue 4): first chart <= 15 s after a cold start, a warm interaction <= 0.5 s, peak RSS of the app
process <= 1.5 GB on mnist-5k. Rerun: `.venv/bin/python benchmarks/dashboard_latency.py` (add --quick to
skip mnist-5k). Needs Debian's chromium (apt-get install -y chromium) and the dev requirements.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TRAIN_MS = 600_000
TARGETS = {"first chart (s)": 15.0, "warm bottleneck change (s)": 0.5, "peak RSS on mnist-5k (GB)": 1.5}


@contextmanager
def dashboard(store: Path) -> Iterator[tuple[str, int, float]]:
    """A `streamlit run dashboard/app.py` on a free loopback port, its run store in `store`: (url, pid, start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    launched = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "LATENT_LAB_STORE": str(store)})
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        yield f"http://127.0.0.1:{port}", server.pid, launched
    finally:
        server.terminate()
        server.wait(timeout=30)


def peak_rss_gb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in GB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 ** 2
    return float("nan")


def wait_until_idle(page) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=TRAIN_MS)


def first_chart_seconds(page, url: str, launched: float) -> float:
    """Seconds from launching the server until the first error-curve chart has axes."""
    page.goto(url)
    page.locator('[data-testid="stPlotlyChart"] .xtick').first.wait_for(timeout=TRAIN_MS)
    return time.perf_counter() - launched


def bottleneck_change_seconds(page) -> float:
    """Seconds from pressing a key on the bottleneck slider until the chart marks the new bottleneck."""
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    slider.focus()
    started = time.perf_counter()
    slider.press("ArrowRight")
    chart.get_by_text("chosen: 3").wait_for(timeout=60_000)
    return time.perf_counter() - started


def choose_dataset(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name=name, exact=True).click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the mnist-5k memory run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as store, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        with dashboard(Path(store)) as (url, _, launched):
            measured["first chart (s)"] = first_chart_seconds(page, url, launched)
            wait_until_idle(page)
            measured["every method trained (s)"] = time.perf_counter() - launched
            measured["warm bottleneck change (s)"] = bottleneck_change_seconds(page)
        with dashboard(Path(store)) as (url, pid, launched):
            measured["first chart after a restart (s)"] = first_chart_seconds(page, url, launched)
            wait_until_idle(page)
            if not args.quick:
                started = time.perf_counter()
                choose_dataset(page, "mnist-5k")
                page.get_by_text("5,000 samples").wait_for(timeout=60_000)
                wait_until_idle(page)
                measured["mnist-5k: training until idle (s)"] = time.perf_counter() - started
                measured["peak RSS on mnist-5k (GB)"] = peak_rss_gb(pid)
            else:
                measured["peak RSS on digits (GB)"] = peak_rss_gb(pid)
        browser.close()

    print(f"{'measure':<38} {'value':>8} {'target':>8}  verdict")
    for name, value in measured.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("PASS" if value <= target else "FAIL")
        print(f"{name:<38} {value:8.2f} {'' if target is None else f'{target:8.2f}':>8}  {verdict}")


if __name__ == "__main__":
    main()
