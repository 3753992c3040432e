"""Trainings in the real dashboard (headless Chromium): every training of a page has its own bar and Stop button,
Stop all stops them all, a stop survives a reload, and two tabs share the training slots fairly while cheap fits
never wait for one.

Set LATENT_LAB_SCREENSHOTS to a folder to keep the screens these tests look at.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import time

import pytest
from browser_harness import TRAIN_MS, wait_until_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Minutes of training (wide layers, the smallest learning rate; early stopping ended the nonlinear AE after 207 s
# with two training at once), while each test needs well under a minute of it.
SLOW = {"epochs": 5000, "max_steps": 1_000_000, "hidden_layer_sizes": [1024, 1024], "learning_rate": 1e-5}
SLOW_METHODS = {"nonlinear_ae": "Nonlinear AE", "denoising_ae": "Denoising AE", "vae": "VAE"}
EPOCH = re.compile(r"epoch \d+/\d+")  # an epoch's progress, not the hint that the first one compiles
SETTLE_MS = 3_000  # long enough for a training that was going to start again to show its bar


def _slow_defaults(monkeypatch, methods: list[str]) -> None:
    """The server starts on iris with PCA and `methods`, each training far longer than the test (set before
    `dashboard_url` starts it)."""
    monkeypatch.setenv("LATENT_LAB_DASHBOARD_DEFAULTS", json.dumps({
        "dataset": "iris", "sweep_sizes": [1, 2], "methods": ["pca", *methods],
        "settings": {method: SLOW for method in methods}}))


def _bar(page, label: str):
    """The progress bar of one method (case-sensitive, so "Linear AE" is not "Nonlinear AE")."""
    return page.locator('[data-testid="stProgress"]').filter(has_text=re.compile(rf"(^|\s){re.escape(label)} ·"))


def _keep(tmp_path, name: str) -> None:
    if os.environ.get("LATENT_LAB_SCREENSHOTS"):
        os.makedirs(os.environ["LATENT_LAB_SCREENSHOTS"], exist_ok=True)
        shutil.copy(tmp_path / name, os.path.join(os.environ["LATENT_LAB_SCREENSHOTS"], name))


@pytest.fixture
def two_slow_trainings(monkeypatch):
    _slow_defaults(monkeypatch, ["nonlinear_ae", "denoising_ae"])


def test_two_trainings_show_two_bars_stop_all_stops_both_and_a_reload_keeps_them_stopped(
        two_slow_trainings, dashboard_url, browser_page, tmp_path):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(dashboard_url)
    for label in ("Nonlinear AE", "Denoising AE"):
        expect(_bar(page, label)).to_contain_text(EPOCH, timeout=TRAIN_MS)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(2)
    for label in ("Nonlinear AE", "Denoising AE"):
        expect(page.get_by_role("button", name=f"Stop {label}")).to_be_visible()
        expect(_bar(page, label)).to_contain_text(re.compile(r"\d+ s left|min left"))
    page.screenshot(path=tmp_path / "two-trainings.png", full_page=True)
    _keep(tmp_path, "two-trainings.png")

    page.get_by_role("button", name="Stop all").click()
    stopped = page.get_by_text("was stopped before it finished")
    expect(stopped).to_have_count(2, timeout=10_000)
    wait_until_idle(page)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0)

    page.reload()
    expect(stopped).to_have_count(2, timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(SETTLE_MS)
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0), "a reload does not train them again"
    expect(page.locator('[data-testid="stPlotlyChart"]').first.locator(".xtick").first).to_be_visible()  # PCA's
    page.screenshot(path=tmp_path / "stopped-after-reload.png", full_page=True)
    _keep(tmp_path, "stopped-after-reload.png")

    page.get_by_role("button", name="Train Denoising AE again").click()
    expect(_bar(page, "Denoising AE")).to_contain_text(EPOCH, timeout=TRAIN_MS)
    expect(stopped).to_have_count(1)  # the nonlinear AE stays stopped
    page.get_by_role("button", name="Stop Denoising AE").click()
    expect(stopped).to_have_count(2, timeout=10_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"


@pytest.fixture
def three_slow_trainings(monkeypatch):
    _slow_defaults(monkeypatch, list(SLOW_METHODS))


def _state_of_each(page) -> dict[str, str]:
    """Per slow method of the page, the text of its bar."""
    return {label: _bar(page, label).first.text_content() for label in SLOW_METHODS.values()
            if _bar(page, label).count()}


def test_a_second_tab_draws_pca_at_once_and_gets_the_next_free_slot_before_the_first_tabs_third_training(
        three_slow_trainings, dashboard_url, browser_page, tmp_path):
    from playwright.sync_api import expect

    first = browser_page
    first.goto(dashboard_url)
    bars_in_first = first.locator('[data-testid="stProgress"]')
    expect(bars_in_first.filter(has_text=EPOCH).first).to_be_visible(timeout=TRAIN_MS)  # both slots are taken

    # A second tab (its own session) on another split, so nothing it needs is stored yet.
    second = browser_page.context.browser.new_page(viewport={"width": 1400, "height": 1100})
    second.javascript_errors = []
    second.on("pageerror", lambda error: second.javascript_errors.append(str(error)))
    asked = time.monotonic()
    second.goto(f"{dashboard_url}/?dataset=wine&methods=pca,nonlinear_ae&split_seed={random.randrange(1, 10**6)}")
    expect(second.locator('[data-testid="stPlotlyChart"]').first.locator(".xtick").first).to_be_visible(
        timeout=60_000)  # PCA's curve, the only method ready
    print(f"the second tab drew PCA {time.monotonic() - asked:.1f} s after it opened, while two trainings ran")

    expect(bars_in_first.filter(has_text=EPOCH)).to_have_count(2, timeout=TRAIN_MS)
    waiting_in_first = bars_in_first.filter(has_text="waiting for a training slot")
    expect(waiting_in_first).to_have_count(1)
    expect(waiting_in_first).to_contain_text(re.compile(r"this tab's .+ \(about \d+ (s|min) left\) and this tab's"))
    training = [label for label, text in _state_of_each(first).items() if EPOCH.search(text)]
    (queued,) = set(SLOW_METHODS.values()) - set(training)
    waiting_in_second = _bar(second, "Nonlinear AE")
    expect(waiting_in_second).to_contain_text(re.compile(
        r"waiting for a training slot: another tab's .+ \(about \d+ (s|min) left\) and another tab's"))
    second.screenshot(path=tmp_path / "second-tab-waiting.png", full_page=True)
    _keep(tmp_path, "second-tab-waiting.png")

    first.bring_to_front()
    first.get_by_role("button", name=f"Stop {training[0]}").click()
    second.bring_to_front()
    expect(waiting_in_second).to_contain_text(EPOCH, timeout=TRAIN_MS)
    first.bring_to_front()
    expect(_bar(first, queued)).to_contain_text("another tab's Nonlinear AE")
    assert "waiting for a training slot" in _bar(first, queued).first.text_content(), \
        "the first tab, already holding a slot, waits while the second tab trains"
    first.screenshot(path=tmp_path / "first-tab-waiting.png", full_page=True)
    _keep(tmp_path, "first-tab-waiting.png")
    for page in (first, second):
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        assert not page.javascript_errors, f"JavaScript errors on the page: {page.javascript_errors[:3]}"
