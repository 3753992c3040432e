"""The real dashboard in headless Chromium: first chart, a new dataset and bottleneck, a clicked sample.

Set LATENT_LAB_SCREENSHOT to a path (e.g. docs/screenshot.png) to also save the Error curves page there.
"""
from __future__ import annotations

import os
import re
import shutil
import time

import pytest
from app_driver import DEFAULT_ON
from browser_harness import ROOT, TRAIN_MS, choose_dataset, click_a_point, tick_labels, wait_until_idle

from pipelines.runs.store import RunStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_dashboard_follows_dataset_bottleneck_and_clicks(dashboard_url, browser_page, tmp_path):
    from playwright.sync_api import expect

    page = browser_page
    started = time.monotonic()
    page.goto(dashboard_url)

    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts.first.locator(".xtick").first).to_be_visible(timeout=TRAIN_MS)
    first_chart = time.monotonic() - started
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)
    print(f"first chart after {first_chart:.1f} s, every method after {time.monotonic() - started:.1f} s")
    expect(charts.first).to_contain_text("Nonlinear AE")
    assert tick_labels(charts.first) == ["1", "2", "4", "8", "16", "32"]
    page.screenshot(path=tmp_path / "error-curves-digits.png")
    if os.environ.get("LATENT_LAB_SCREENSHOT"):
        shutil.copy(tmp_path / "error-curves-digits.png", ROOT / os.environ["LATENT_LAB_SCREENSHOT"])

    sidebar = page.locator('[data-testid="stSidebar"]')
    choose_dataset(page, "iris")
    expect(sidebar).to_contain_text("150 samples × 4 features", timeout=30_000)
    expect(charts.first.locator(".xtick text").last).to_have_text("3", timeout=TRAIN_MS)
    wait_until_idle(page)
    assert tick_labels(charts.first) == ["1", "2", "3"]

    sidebar.get_by_role("slider").first.press("End")
    expect(charts.first).to_contain_text("chosen: 3", timeout=30_000)
    wait_until_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.screenshot(path=tmp_path / "error-curves-iris.png", full_page=True)

    page.get_by_role("link", name="Embeddings").click()
    expect(page.get_by_role("heading", name="Embeddings")).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(2 * len(DEFAULT_ON))  # 2 scores per method
    wait_until_idle(page)
    hovered = click_a_point(page, charts.nth(1))
    wait_until_idle(page)
    expect(page.locator('[data-testid="stCaptionContainer"]').last).to_contain_text(f"Sample {hovered},")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"


UPLOADS_REFUSED = [
    ("empty.csv", b"", "is empty"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ("header-only.csv", b"a,b,c\n", "no data rows"),
    ("words.csv", b"name,city\n" + b"\n".join(b"n%d,c%d" % (i, i) for i in range(20)), "no numeric columns"),
    ("one-row.csv", b"a,b,c\n1,2,3\n", "at least 10"),
]


@pytest.fixture
def fast_defaults(monkeypatch):
    """The server starts on iris with few epochs (set before `dashboard_url` starts it)."""
    monkeypatch.setenv("LATENT_LAB_DASHBOARD_DEFAULTS", '{"dataset": "iris", "sweep_sizes": [1, 2], '
                       '"settings": {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5}}}')


def _upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def test_bad_uploads_get_one_clear_message_and_the_app_keeps_working(fast_defaults, dashboard_url, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(dashboard_url)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts.first.locator(".xtick").first).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)
    choose_dataset(page, "Upload CSV…")
    alerts = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    for name, content, message in UPLOADS_REFUSED:
        _upload(page, name, content)
        expect(alerts.filter(has_text=message)).to_have_count(1, timeout=30_000)
        wait_until_idle(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    hostile = "<img src=x onerror=alert(1)>"
    rows = [f"a,b,c,{hostile}"] + [f"{i % 7},{(i * 3) % 11},{i % 5},t{i % 3}" for i in range(40)]
    _upload(page, "mine.csv", "\n".join(rows).encode())
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("40 samples × 3 features", timeout=30_000)
    expect(alerts.filter(has_text=hostile)).to_have_count(1), "a user's column name is shown as plain text"
    expect(charts.first.locator(".xtick").first).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"


@pytest.fixture
def slow_nonlinear_ae(monkeypatch):
    """The server starts on iris, its nonlinear AE set to train far longer than anyone would wait."""
    monkeypatch.setenv("LATENT_LAB_DASHBOARD_DEFAULTS", '{"dataset": "iris", "sweep_sizes": [1, 2], '
                       '"settings": {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5000, '
                       '"max_steps": 1000000, "hidden_layer_sizes": [1024, 1024]}}}')


def _progress_of(page, label: str):
    return page.locator('[data-testid="stProgress"]').filter(has_text=label).first


def test_training_can_be_stopped_and_a_reload_keeps_the_choices(slow_nonlinear_ae, dashboard_url, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(dashboard_url)
    expect(_progress_of(page, "Nonlinear AE")).to_contain_text("epoch", timeout=TRAIN_MS)
    page.get_by_role("button", name="Stop Nonlinear AE").click()
    stopped = time.monotonic()
    expect(page.get_by_text("was stopped before it finished")).to_be_visible(timeout=10_000)
    print(f"stopped {time.monotonic() - stopped:.1f} s after the click")
    expect(page.get_by_role("button", name="Train Nonlinear AE again")).to_be_visible()
    wait_until_idle(page)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0)
    assert not RunStore().runs()["settings"].str.contains("epochs=5000").any(), "a stopped run stores nothing"

    choose_dataset(page, "wine")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("178 samples × 13 features", timeout=30_000)
    sidebar.get_by_role("slider").first.press("End")  # the largest bottleneck
    expect(page).to_have_url(re.compile(r"dataset=wine"), timeout=30_000)
    expect(_progress_of(page, "Nonlinear AE")).to_contain_text("epoch", timeout=TRAIN_MS)
    url = page.url
    page.reload()
    expect(sidebar).to_contain_text("178 samples × 13 features", timeout=30_000)
    assert page.url == url, "the reloaded page keeps its link"
    slider = sidebar.get_by_role("slider").first
    expect(slider).to_be_visible(timeout=TRAIN_MS)  # the training that goes on shares the server's cores
    assert slider.get_attribute("aria-valuenow") == slider.get_attribute("aria-valuemax"), "and the bottleneck"
    expect(_progress_of(page, "Nonlinear AE")).to_contain_text("epoch", timeout=TRAIN_MS)
    page.get_by_role("button", name="Stop Nonlinear AE").click()
    expect(page.get_by_text("was stopped before it finished")).to_be_visible(timeout=10_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"


@pytest.fixture
def fast_digits(monkeypatch):
    """The server starts on digits with few epochs and one sweep size (set before `dashboard_url` starts it)."""
    monkeypatch.setenv("LATENT_LAB_DASHBOARD_DEFAULTS", '{"dataset": "digits", "sweep_sizes": [2], '
                       '"settings": {"linear_ae": {"epochs": 5}, "nonlinear_ae": {"epochs": 5}}}')


def _picture(chart) -> str | None:
    """The picture an image chart draws (its data URI), or None while it is being redrawn."""
    images = chart.locator("image").all()
    return images[0].get_attribute("href") if images else None


def test_latent_space_interpolates_between_two_picked_samples_and_slides_a_code(fast_digits, dashboard_url,
                                                                                  browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{dashboard_url}/latent_space")
    expect(page.get_by_role("heading", name="Latent space")).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0, timeout=TRAIN_MS)

    page.get_by_role("tab", name="Interpolation").click()
    panel = page.get_by_role("tabpanel", name="Interpolation")
    strip = panel.locator('[data-testid="stPlotlyChart"]').first
    title = strip.locator(".gtitle")
    expect(title).to_contain_text("From sample")
    before = title.text_content()
    panel.locator('[data-testid="stSelectbox"]').filter(has_text="Sample B: test sample").click()
    page.get_by_role("option").nth(5).click()
    expect(title).not_to_have_text(before, timeout=30_000)
    wait_until_idle(page)

    page.get_by_role("tab", name="Code sliders").click()
    panel = page.get_by_role("tabpanel", name="Code sliders")
    decoded = panel.locator('[data-testid="stPlotlyChart"]').first
    expect(decoded.locator("image").first).to_be_attached()
    start = _picture(decoded)
    slider = panel.get_by_role("slider").first
    slider.focus()
    moved = time.monotonic()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "3.00")
    deadline = time.monotonic() + 30
    while _picture(decoded) in (start, None) and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    print(f"a slider move redrew the decodings {time.monotonic() - moved:.2f} s after the key press")
    assert _picture(decoded) != start, "the decodings moved"
    wait_until_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"
