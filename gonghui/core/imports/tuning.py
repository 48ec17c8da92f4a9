"""Process-wide interpreter settings that an import changes while it runs.

Both are process-wide and imports may run in several threads of one web process, so each is
changed when the first import that needs it starts and restored after the last one ends.

- `paused_gc`: a large import keeps millions of small objects alive (parsed rows, lookup
  caches, the in-file duplicate check). Python's cyclic collector walks them again each time
  the heap has grown by a quarter: measured, a third of the time spent parsing 200,000 rows.
  The rows form no reference cycles; the loops collect the youngest generation between
  batches once enough objects have piled up (`BatchGarbage`), for whatever cycles a batch
  does leave.
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
    """Collects the youngest generation, between batches of a loop that runs with the
    collector paused, once `threshold` more container objects are alive than after the last
    collection (the interpreter's own gen-0 count: allocations minus deallocations).

    A collection walks every such object: the batches still queued for writing each time,
    and whatever survives for good (cache entries). Member batches leave no reference
    cycles (no unreachable object found in any collection, measured), so a fixed rhythm of
    one collection per 8 batches walked ~300,000 queued objects for nothing, 0.15 s each
    (0.3 s of 200,000 rows, 1.5 s of a million). The count bounds what a kind that does
    leave cycles can pile up, whatever its batch size.
    """

    def __init__(self, threshold: int = 1_000_000):
        self.threshold = threshold

    def batch_done(self) -> None:
        if gc.get_count()[0] >= self.threshold:
            gc.collect(0)
