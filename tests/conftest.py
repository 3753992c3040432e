"""Shared test setup."""
import pytest

pytest_plugins = ["browser_harness"]  # the real dashboard in Chromium: `dashboard_url`, `browser_page`


@pytest.fixture(autouse=True, scope="session")
def isolated_run_store(tmp_path_factory):
    """Finished runs go to a temporary folder, never the user's cache (subprocesses inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LATENT_LAB_STORE", str(tmp_path_factory.mktemp("run-store")))
        yield


@pytest.fixture(scope="session")
def iris():
    """The iris dataset (150 rows, 4 features), loaded once per test process."""
    from pipelines import load_dataset

    return load_dataset("iris")


@pytest.fixture(scope="session")
def digits():
    """Digits split and scaled as every run does by default (test fraction 0.2, split seed 0), once per process."""
    from pipelines import load_dataset, prepare

    return prepare(load_dataset("digits"), 0.2, 0)
