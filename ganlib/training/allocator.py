"""Keep freed CPU memory for reuse (issue 6): the CPU fast path's allocator setting, Linux with glibc only.

PyTorch's CPU tensors come from ``malloc``. glibc serves large requests with fresh pages from ``mmap`` and
gives memory back to the kernel when the free space at the top of its heap exceeds ``M_TRIM_THRESHOLD``, so a
training step that frees and reallocates the same few megabytes of activations every step takes thousands of
page faults per step (the MNIST DCGAN step: about 2,000-5,000 minor faults and 4-12 ms of system time per step
on the 2-core machine of benchmarks/README.md). Raising the thresholds keeps those pages in the heap for the
next step, as a caching allocator does (PyTorch's performance tuning guide suggests jemalloc or tcmalloc
for the same reason). Numbers are unchanged; the process keeps up to its peak working set.

The setting is process-wide and stays on; ``GANLIB_KEEP_FREED_MEMORY=0`` in the environment turns it off.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # mallopt parameters, glibc's malloc.h
MMAP_THRESHOLD = 32 * 2 ** 20  # glibc's largest allowed value on 64-bit: blocks below it come from the heap
TRIM_THRESHOLD = 2 ** 30  # keep up to 1 GiB of free heap instead of returning it to the kernel
TOP_PAD = 64 * 2 ** 20  # grow the heap in steps of 64 MiB

_state: dict[str, bool] = {}


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to reuse freed memory instead of unmapping it; True if the setting is in force."""
    if "applied" in _state:
        return _state["applied"]
    applied = False
    if sys.platform.startswith("linux") and os.environ.get("GANLIB_KEEP_FREED_MEMORY", "1") != "0":
        try:
            libc = ctypes.CDLL("libc.so.6")
            mallopt = libc.mallopt
        except (OSError, AttributeError):  # not glibc (musl, ...): leave malloc alone
            mallopt = None
        if mallopt is not None:
            applied = all(mallopt(param, value) == 1 for param, value in
                          ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                           (M_TOP_PAD, TOP_PAD)))
    _state["applied"] = applied
    return applied
