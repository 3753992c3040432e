"""Drive the real dashboard in headless Debian Chromium: a server on a free loopback port and a page.

Browser test modules import the fixtures (`dashboard_url`, `browser_page`) and helpers from here.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
START_SECONDS = 60
TRAIN_MS = 240_000  # full default training on a slow CI machine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Streamlit exited with code {server.returncode} before it was healthy.")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"Streamlit was not healthy within {START_SECONDS} s.")


@pytest.fixture
def dashboard_url(tmp_path):
    """A running `streamlit run dashboard/app.py` on a free loopback port, stopped by its PID afterwards."""
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HOME": str(tmp_path)})
    try:
        _wait_healthy(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def tick_labels(chart) -> list[str]:
    return chart.locator(".xtick text").all_text_contents()


def wait_until_idle(page) -> None:
    """Wait until the app's script has finished its current run."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=TRAIN_MS)


def choose_dataset(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name=name, exact=True).click()


def click_a_point(page, chart) -> str:
    """Click one point of a scatter chart; returns the sample index its hover label showed."""
    from playwright.sync_api import expect

    box = chart.locator(".scatterlayer .points path").nth(3).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = chart.locator(".hoverlayer")
    expect(label).to_contain_text("sample", timeout=5_000)
    hovered = re.search(r"sample (\d+)", label.text_content()).group(1)
    page.mouse.down()
    page.mouse.up()
    return hovered


@contextmanager
def chromium() -> Iterator:
    """Headless Debian Chromium, closed afterwards; under CI a missing Chromium fails instead of skipping."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must install it (apt-get install chromium).")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page():
    """A page in headless Debian Chromium that records the page's JavaScript errors."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.javascript_errors = []
        page.on("pageerror", lambda error: page.javascript_errors.append(str(error)))
        yield page
