"""The sidebar never shows or saves settings the user did not choose (issue 18, items 1 and 2), in a real browser.

Both sequences used to reset widgets that an interrupted or early-ending run had not drawn: the link then carried
`methods=`, `test=0.1`, `epochs=1`..., and runs with those settings were trained and stored without a word.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from browser_harness import TRAIN_MS, choose_dataset, wait_until_idle

from pipelines.runs.store import RunStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAST = ('{"sweep_sizes": [1, 2], "settings": {"linear_ae": {"epochs": 5, "batch_size": 64}, '
        '"nonlinear_ae": {"epochs": 5, "hidden_layer_sizes": [16], "batch_size": 64}}}')


@pytest.fixture
def fast_training(monkeypatch, tmp_path):
    """The server's defaults train quickly, into a run store of this test's own, so the runs it checks are only
    those this test made (set before `dashboard_url` starts the server)."""
    monkeypatch.setenv("LATENT_LAB_DASHBOARD_DEFAULTS", FAST)
    monkeypatch.setenv("LATENT_LAB_STORE", str(tmp_path / "runs"))


def _link(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


EXPECTED = {"linear_ae": ["batch_size=64", "epochs=5"],
            "nonlinear_ae": ["batch_size=64", "epochs=5", "hidden_layer_sizes=[16]"]}


def _unchosen_runs() -> list[str]:
    """Stored runs trained with a test fraction or settings other than the server's defaults."""
    runs = RunStore().runs()
    wrong = runs[(runs["test_size"] != 0.2) | runs.apply(
        lambda run: any(part not in run["settings"] for part in EXPECTED.get(run["method"], [])), axis=1)]
    return [f"{run.method} test={run.test_size} {run.settings}" for run in wrong.itertuples()]


def _sidebar_shows_defaults(page) -> None:
    from playwright.sync_api import expect

    sidebar = page.locator('[data-testid="stSidebar"]')
    methods = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Methods")
    for label in ("PCA", "Linear AE", "Nonlinear AE"):
        expect(methods).to_contain_text(label)
    test_fraction = sidebar.locator('[data-testid="stSlider"]').filter(has_text="Test fraction")
    expect(test_fraction.get_by_role("slider")).to_have_value("0.2")


def test_visiting_upload_csv_keeps_every_other_choice(fast_training, dashboard_url, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{dashboard_url}/?dataset=iris")
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)

    choose_dataset(page, "Upload CSV…")
    wait_until_idle(page)
    rows = ["f1,f2,f3,f4,species"] + [f"{i % 7},{(i * 3) % 11},{(i * 5) % 13},{i % 5},s{i % 3}" for i in range(300)]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "flowers.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}])
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("300 samples", timeout=30_000)
    wait_until_idle(page)
    _sidebar_shows_defaults(page)
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Label column").click()
    page.get_by_role("option", name="species", exact=True).click()
    expect(sidebar).to_contain_text("300 samples × 4 features", timeout=30_000)
    wait_until_idle(page)
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)
    assert _link(page) == {}, "an upload keeps every default choice, so the link carries none"
    _sidebar_shows_defaults(page)

    choose_dataset(page, "Upload CSV…")  # and back to a built-in dataset without uploading
    wait_until_idle(page)
    choose_dataset(page, "wine")
    expect(sidebar).to_contain_text("178 samples", timeout=30_000)
    wait_until_idle(page)  # the bottleneck slider is drawn after the test fraction's, so find it by its name
    sidebar.get_by_role("slider", name="Bottleneck size").press("ArrowRight")
    wait_until_idle(page)
    assert _link(page) == {"dataset": ["wine"], "k": ["3"]}, "only the choices the user made are in the link"
    _sidebar_shows_defaults(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not _unchosen_runs(), "no run was stored with settings the user did not choose"


def test_switching_pages_quickly_keeps_every_setting(fast_training, dashboard_url, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{dashboard_url}/?dataset=swiss-roll")
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TRAIN_MS)
    wait_until_idle(page)
    link = _link(page)
    assert link == {"dataset": ["swiss-roll"]}
    for attempt, pause_ms in enumerate((0, 30, 150, 600, 1600)):  # the reset hit most quick switches
        page.get_by_role("link", name="Embeddings").click()
        page.wait_for_timeout(pause_ms)  # while its charts are still drawing
        page.get_by_role("link", name="Reconstructions").click()
        page.wait_for_timeout(pause_ms // 2)
        page.get_by_role("link", name="Error curves" if attempt % 2 else "Latent space").click()
        wait_until_idle(page)
        assert _link(page) == link, f"switch {attempt + 1} changed the link to {page.url}"
    _sidebar_shows_defaults(page)
    assert not _unchosen_runs(), "no run was stored with settings the user did not choose"
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
