"""Deliberate server settings: local by default, one upload limit shared by the app and the CLI."""
import tomllib
from pathlib import Path

from pipelines.data.csv_loader import MAX_CSV_MEGABYTES

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_binds_to_localhost_and_limits_uploads_like_the_loader():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["maxUploadSize"] == MAX_CSV_MEGABYTES
    assert config["browser"]["gatherUsageStats"] is False


def test_readme_run_command_binds_to_localhost():
    readme = (ROOT / "README.md").read_text()
    run_lines = [line for line in readme.splitlines() if "streamlit run dashboard/app.py" in line]
    assert run_lines and all("--server.address 127.0.0.1" in line for line in run_lines)
