"""The GPU requirements are the CPU ones with TensorFlow's CUDA build in place of the CPU-only one."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(name: str) -> dict[str, str]:
    """Package (extras and markers dropped) -> its pinned version, for every requirement line of `name`."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        requirement = line.split("#")[0].split(";")[0].strip()
        if requirement and not requirement.startswith("-"):
            package, version = requirement.split("==")
            found[package.split("[")[0].strip()] = version.strip()
    return found


def test_gpu_requirements_pin_the_cpu_versions_with_tensorflows_cuda_build():
    cpu, gpu = pins("requirements.txt"), pins("requirements-gpu.txt")
    assert "tensorflow-cpu" not in gpu
    assert gpu["tensorflow"] == cpu["tensorflow-cpu"] == cpu["tensorflow"]
    assert "[and-cuda]" in (ROOT / "requirements-gpu.txt").read_text()
    others = {package: version for package, version in cpu.items() if not package.startswith("tensorflow")}
    assert {package: gpu.get(package) for package in others} == others
