"""Process-wide interpreter settings that an import changes while it runs.

Both are process-wide and imports may run in several threads of one web process, so each is
changed when the first import that needs it starts and restored after the last one ends.

- `paused_gc`: a large import keeps millions of small objects alive (parsed rows, lookup
  caches, the in-file duplicate check). Python's cyclic collector walks them again each time
  the heap has grown by a quarter: measured, a third of the time spent parsing 200,000 rows.
  The rows form no reference cycles; the loops collect the youngest generation every few
  batches (`BatchGarbage`) for whatever cycles a batch does leave.
- `short_switch_interval`: see pipeline._BatchWriter.
"""

import gc
import sys
import threading
from collections.abc import Callable
from contextlib import ContextDecorator

WRITER_SWITCH_INTERVAL = 0.0005  # seconds


class ProcessTuning(ContextDecorator):
    """A context manager (or decorator): `change()` on entry of the first user,
    `restore(saved)` on exit of the last; reusable and safe to enter from several threads."""

    def __init__(self, change: Callable[[], object], restore: Callable[[object], None]):
        self.change, self.restore = change, restore
        self.users = 0
        self.saved: object = None
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        with self.lock:
            if self.users == 0:
                self.saved = self.change()
            self.users += 1

    def __exit__(self, *exc_info) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0:
                self.restore(self.saved)


def _disable_gc() -> bool:
    enabled = gc.isenabled()
    gc.disable()
    return enabled


def _restore_gc(enabled) -> None:
    if enabled:
        gc.enable()


def _shorten_switch_interval() -> float:
    saved = sys.getswitchinterval()
    sys.setswitchinterval(WRITER_SWITCH_INTERVAL)
    return saved


paused_gc = ProcessTuning(_disable_gc, _restore_gc)
short_switch_interval = ProcessTuning(_shorten_switch_interval, sys.setswitchinterval)


class BatchGarbage:
    """Collects the youngest generation every `every` batches of a loop that runs with the
    collector paused.

    A collection walks every object allocated since the previous one that is still alive
    (the batches not yet written, new cache entries), not the rows reference counting has
    freed. Measured on 10,000-row member batches: ~40 ms per collection and no unreachable
    object found after the first two, so collecting after every batch cost 0.8 s per
    200,000 rows for nothing; every eighth keeps what a leaking kind could pile up bounded.
    """

    def __init__(self, every: int = 8):
        self.every = every
        self.batches = 0

    def batch_done(self) -> None:
        self.batches += 1
        if self.batches % self.every == 0:
            gc.collect(0)
