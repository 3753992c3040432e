"""Dashboard latency and memory, measured in headless Debian Chromium against a real `streamlit run`: a cold start
on digits (first chart, every default method drawn), warm bottleneck changes on Error curves and Reconstructions
(median of 5, both sizes in the sweep), a restart with stored runs, switching to mnist-5k, a 5-repeat run, and the
server's memory: its peak, and its growth over 50 interactions.

Targets (issues 4 and 14): first chart <= 15 s; every default method drawn <= 12 s after the server starts;
mnist-5k drawn <= 40 s after switching; a warm bottleneck change <= 0.3 s on Error curves and <= 0.5 s on
Reconstructions; peak RSS <= 1.5 GB after digits, mnist-5k and 5 repeats; RSS growth < 10% over 50 interactions.
Rerun: `.venv/bin/python benchmarks/dashboard_latency.py` (about 5 minutes; --quick skips mnist-5k and the repeats
and makes 10 interactions). Needs Debian's chromium (apt-get install -y chromium) and the dev requirements.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from harness import print_measures

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TRAIN_MS = 600_000
TARGETS = {"first chart (s)": 15.0, "every default method drawn (s)": 12.0, "mnist-5k drawn after switching (s)": 40.0,
           "warm bottleneck change, Error curves (s)": 0.3, "warm bottleneck change, Reconstructions (s)": 0.5,
           "peak RSS after digits, mnist-5k, 5 repeats (GB)": 1.5, "RSS growth over the interactions (%)": 10.0}
CHANGES = 5  # warm bottleneck changes per page; the median is reported


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


def rss_gb(pid: int, field: str = "VmHWM") -> float:
    """The process's peak ("VmHWM") or current ("VmRSS") resident memory, in GB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
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


def bottleneck_change_seconds(page, k: int, done) -> float:
    """Seconds from a key press on the bottleneck slider (moving it to `k`, next to where it is) until
    `done(k)`, a locator of what the page shows for the new bottleneck, is visible and the script is idle."""
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    slider.focus()
    started = time.perf_counter()
    slider.press("ArrowRight" if k > int(float(slider.get_attribute("aria-valuetext"))) else "ArrowLeft")
    done(k).first.wait_for(timeout=60_000)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60_000)
    return time.perf_counter() - started


def median_change_seconds(page, done) -> float:
    """The median of CHANGES warm moves between bottlenecks 1 and 2 (both in the default sweep)."""
    wait_until_idle(page)
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    start = int(float(slider.get_attribute("aria-valuetext")))
    return statistics.median(bottleneck_change_seconds(page, start if i % 2 else 3 - start, done)
                             for i in range(CHANGES))


def curves_mark(page):
    """What the Error curves show for bottleneck k: the dotted line's label."""
    return lambda k: page.locator('[data-testid="stPlotlyChart"]').get_by_text(f"chosen: {k}")


def caption(page):
    """What Reconstructions shows for bottleneck k: its caption."""
    return lambda k: page.get_by_text(f"to {k} code{'s' if k > 1 else ''} (the bottleneck")


def open_page(page, name: str) -> None:
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name).wait_for(timeout=60_000)
    wait_until_idle(page)


def choose_dataset(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name=name, exact=True).click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip mnist-5k and the repeats; 10 interactions")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as store, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        with dashboard(Path(store)) as (url, _, launched):
            measured["first chart (s)"] = first_chart_seconds(page, url, launched)
            wait_until_idle(page)
            measured["every default method drawn (s)"] = time.perf_counter() - launched
            measured["warm bottleneck change, Error curves (s)"] = median_change_seconds(page, curves_mark(page))
            open_page(page, "Reconstructions")
            measured["warm bottleneck change, Reconstructions (s)"] = median_change_seconds(page, caption(page))
        with dashboard(Path(store)) as (url, pid, launched):
            measured["first chart after a restart (s)"] = first_chart_seconds(page, url, launched)
            wait_until_idle(page)
            if not args.quick:
                started = time.perf_counter()
                choose_dataset(page, "mnist-5k")
                page.get_by_text("5,000 samples").wait_for(timeout=60_000)
                wait_until_idle(page)
                measured["mnist-5k drawn after switching (s)"] = time.perf_counter() - started
                choose_dataset(page, "digits")
                page.get_by_text("1,797 samples").wait_for(timeout=60_000)
                wait_until_idle(page)
                repeats = page.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name="Repeats")
                repeats.fill("5")
                repeats.press("Enter")
                started = time.perf_counter()
                page.get_by_text("over 5 repeats").first.wait_for(timeout=TRAIN_MS)
                wait_until_idle(page)
                measured["5 repeats on digits drawn (s)"] = time.perf_counter() - started
                repeats.fill("1")
                repeats.press("Enter")
                wait_until_idle(page)
            measured["peak RSS after digits, mnist-5k, 5 repeats (GB)" if not args.quick
                     else "peak RSS after digits (GB)"] = rss_gb(pid)
            interactions = 10 if args.quick else 50
            open_page(page, "Reconstructions")  # every page the interactions visit has loaded what it needs
            open_page(page, "Error curves")
            before = rss_gb(pid, "VmRSS")
            for i in range(interactions):  # bottleneck moves and page switches, all on trained models
                if i % 10 == 9:
                    open_page(page, "Reconstructions" if i % 20 == 9 else "Error curves")
                else:
                    done = caption(page) if page.get_by_role("heading", name="Reconstructions").count() \
                        else curves_mark(page)
                    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
                    bottleneck_change_seconds(page, 3 - int(float(slider.get_attribute("aria-valuetext"))), done)
            measured["RSS growth over the interactions (%)"] = 100 * (rss_gb(pid, "VmRSS") / before - 1)
            measured["interactions"] = interactions
        browser.close()

    print_measures(measured, TARGETS)


if __name__ == "__main__":
    main()
