"""The project installs as `latent-lab`: its console script and its packages work from any folder."""
import subprocess
import sys
from pathlib import Path


def test_the_console_script_is_the_command_line(tmp_path):
    script = Path(sys.executable).parent / "latent-lab"
    listing = subprocess.run([script, "methods"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert "PCA" in listing.stdout and "Nonlinear AE" in listing.stdout


def test_the_dashboard_imports_without_path_edits(tmp_path):
    found = subprocess.run([sys.executable, "-c", "import dashboard.choices, pipelines; print(pipelines.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).parent.parent == Path(__file__).resolve().parents[2]
