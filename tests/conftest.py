"""Shared test setup."""
import pytest

pytest_plugins = ["browser_harness"]  # the real dashboard in Chromium: `dashboard_url`, `browser_page`


@pytest.fixture(autouse=True, scope="session")
def isolated_run_store(tmp_path_factory):
    """Finished runs go to a temporary folder, never the user's cache (subprocesses inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LATENT_LAB_STORE", str(tmp_path_factory.mktemp("run-store")))
        yield
