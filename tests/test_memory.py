"""Freed memory goes back to the operating system when asked (glibc's malloc_trim)."""
import pytest

from pipelines import memory


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(memory._malloc_trim() is None, reason="the C library here has no malloc_trim")
def test_freed_small_blocks_between_live_ones_are_returned_to_the_system():
    blocks = [bytearray(1000) for _ in range(200_000)]  # ~200 MB from malloc's heap, not separate mappings
    survivors = blocks[::100]  # a live block every 100 keeps the heap from shrinking by itself
    del blocks
    before = _resident_mb()
    memory.release_freed_memory()
    assert before - _resident_mb() > 100, "most of the freed 200 MB left the process"
    assert len(survivors) == 2_000
