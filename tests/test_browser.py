"""The real dashboard in headless Chromium: first chart, a new dataset and bottleneck, a clicked sample.

Set LATENT_LAB_SCREENSHOT to a path (e.g. docs/screenshot.png) to also save the Error curves page there.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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


def _tick_labels(chart) -> list[str]:
    return chart.locator(".xtick text").all_text_contents()


def _wait_until_idle(page) -> None:
    """Wait until the app's script has finished its current run."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=TRAIN_MS)


def _choose_dataset(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name=name, exact=True).click()


def _click_a_point(page, chart) -> str:
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


def test_dashboard_follows_dataset_bottleneck_and_clicks(dashboard_url, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must install it (apt-get install chromium).")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}.")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            started = time.monotonic()
            page.goto(dashboard_url)

            charts = page.locator('[data-testid="stPlotlyChart"]')
            expect(charts.first.locator(".xtick").first).to_be_visible(timeout=TRAIN_MS)
            first_chart = time.monotonic() - started
            expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=TRAIN_MS)
            _wait_until_idle(page)
            print(f"first chart after {first_chart:.1f} s, every method after {time.monotonic() - started:.1f} s")
            expect(charts.first).to_contain_text("Nonlinear AE")
            assert _tick_labels(charts.first) == ["1", "2", "4", "8", "16", "32"]
            page.screenshot(path=tmp_path / "error-curves-digits.png")
            if os.environ.get("LATENT_LAB_SCREENSHOT"):
                shutil.copy(tmp_path / "error-curves-digits.png", ROOT / os.environ["LATENT_LAB_SCREENSHOT"])

            sidebar = page.locator('[data-testid="stSidebar"]')
            _choose_dataset(page, "iris")
            expect(sidebar).to_contain_text("150 samples × 4 features", timeout=30_000)
            expect(charts.first.locator(".xtick text").last).to_have_text("3", timeout=TRAIN_MS)
            _wait_until_idle(page)
            assert _tick_labels(charts.first) == ["1", "2", "3"]

            sidebar.get_by_role("slider").first.press("End")
            expect(charts.first).to_contain_text("chosen: 3", timeout=30_000)
            _wait_until_idle(page)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            page.screenshot(path=tmp_path / "error-curves-iris.png", full_page=True)

            page.get_by_role("link", name="Embeddings").click()
            expect(page.get_by_role("heading", name="Embeddings")).to_be_visible()
            expect(page.locator('[data-testid="stMetric"]')).to_have_count(6)
            _wait_until_idle(page)
            hovered = _click_a_point(page, charts.nth(1))
            _wait_until_idle(page)
            expect(page.locator('[data-testid="stCaptionContainer"]').last).to_contain_text(f"Sample {hovered},")
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            assert not errors, f"JavaScript errors on the page: {errors[:3]}"
        finally:
            browser.close()
