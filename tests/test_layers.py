"""The library's layers: data ← reducers ← analysis ← runs ← study ← cli, figures beside; nothing imports upwards."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipelines"
# A module may import its own layer and those below it. `errors` and `memory` are everyone's; figures draw what
# analysis gives.
LAYERS = {"errors": 0, "memory": 0, "data": 1, "reducers": 2, "analysis": 3, "figures": 4, "runs": 4, "study": 5,
          "cli": 6}
SIDE_BY_SIDE = {("runs", "figures"), ("figures", "runs")}  # beside each other: neither imports the other


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "pipelines" and len(parts) > 1 and parts[1] in LAYERS else None


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at its top or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.stem not in ("__init__", "__main__"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_layer_above_its_own(path):
    own = _layer("pipelines." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    assert own is not None, f"{path.name} belongs to no layer: put it in one of {sorted(LAYERS)}"
    upward = sorted(name for name in _imports(path) if (other := _layer(name)) and other != own
                    and (LAYERS[other] > LAYERS[own] or (own, other) in SIDE_BY_SIDE))
    assert not upward, f"{path.relative_to(PACKAGE)} ({own}) imports upwards: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_library_never_imports_the_dashboards_toolkit(path):
    assert not {name for name in _imports(path) if name.split(".")[0] in ("streamlit", "dashboard")}
