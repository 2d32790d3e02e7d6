"""ganlib.training.allocator: freed activations' pages are reused instead of faulted in again (Linux, glibc)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ganlib.training import allocator

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
                           reason="mallopt is glibc's")

# malloc 8 MiB, write it, free it, three times; print whether the setting is on and the page faults of the
# last two writes (the first always faults: the pages are new to the process)
PROBE = """
import ctypes, resource, sys
from ganlib.training import allocator
applied = allocator.keep_freed_memory() if sys.argv[1] == "on" else False
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
n, faults = 8 * 2 ** 20, []
for _ in range(3):
    p = libc.malloc(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    ctypes.memset(p, 1, n)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    libc.free(p)
print(applied, sum(faults[1:]))
"""


def _probe(mode: str, **env: str) -> tuple[str, int]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": root, **env}).stdout.split()
    return out[0], int(out[1])


@glibc
def test_freed_pages_are_reused() -> None:
    """With the setting, a freed 8 MiB block is reused with its pages; without, glibc maps fresh ones."""
    applied, faults_on = _probe("on")
    assert applied == "True"
    assert faults_on < 50  # 2048 pages of 4 KiB written, none faulted in again
    applied, faults_off = _probe("off")
    assert applied == "False"
    assert faults_off > 1000  # the default: mmap for the first block, fresh heap pages for the second
    applied, _ = _probe("on", GANLIB_KEEP_FREED_MEMORY="0")
    assert applied == "False"


def test_idempotent() -> None:
    assert allocator.keep_freed_memory() is allocator.keep_freed_memory()
