"""The dashboard's cache of computed figures.

What is cached: a measure's figures for a set of orgs and a period (the dict that
`metrics.evaluate` returns), under a key made of the measure code, the period, the org ids
and the *data mark*. Pages and the API still check scope on every request; only the counting
is skipped.

How it is invalidated: the data mark is the id and time of the newest audit event. Every write
in the app goes through a service that records an audit event (house style), so any write
anywhere, in any module, moves the mark and the next dashboard counts afresh (entries under the
old mark are simply never read again and age out). Writes that bypass the services (a data fix
in a shell, a bulk load) are covered by the time limit: an entry lives at most
GONGHUI_DASHBOARD_CACHE_SECONDS (default 600 s). Reading the mark is one indexed query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache

from gonghui.audit.models import AuditEvent
from gonghui.core import metrics


def cache_seconds() -> int:
    return int(getattr(settings, "GONGHUI_DASHBOARD_CACHE_SECONDS", 600))


def data_mark() -> str:
    """The newest audit event's id and time (ids alone can repeat after a rollback)."""
    newest = AuditEvent.objects.order_by("-id").values_list("id", "at").first()
    if newest is None:
        return "0"
    return f"{newest[0]}.{newest[1].timestamp():.6f}"


class FigureCache:
    """`evaluate` with the results kept in Django's cache; one per request (the mark is read
    once, when it is made). `seconds=0` turns caching off (the uncached comparison)."""

    def __init__(self, *, seconds: int | None = None):
        self.seconds = cache_seconds() if seconds is None else seconds
        self.mark = data_mark() if self.seconds else ""
        self.hits = 0
        self.misses = 0
        self._read: dict[str, object] = {}  # entries fetched by prefetch() (None: absent)
        self._memo: dict = {}  # counts evaluated during this request (metrics.evaluate's memo)

    def _key(self, code: str, orgs: Sequence, period: metrics.Period | None) -> str:
        ids = ",".join(str(pk) for pk in sorted(org.pk for org in orgs))
        digest = hashlib.blake2b(ids.encode(), digest_size=12).hexdigest()
        span = f"{period.start}:{period.end}" if period is not None else "-"
        return f"dash:{self.mark}:{code}:{span}:{digest}"

    def evaluate(self, code: str, *, orgs: Sequence, period: metrics.Period | None):
        if not self.seconds:
            self.misses += 1
            return metrics.evaluate(code, orgs=orgs, period=period, memo=self._memo)
        key = self._key(code, orgs, period)
        found = self._read[key] if key in self._read else cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        figures = metrics.evaluate(code, orgs=orgs, period=period, memo=self._memo)
        cache.set(key, figures, self.seconds)
        return figures

    def prefetch(self, wanted: Sequence[tuple[str, Sequence, metrics.Period | None]]) -> None:
        """Read many entries in one cache round trip (a database cache: one query), and count
        the ones not cached together."""
        if not wanted:
            return
        if self.seconds:
            keys = [self._key(code, orgs, period) for code, orgs, period in wanted]
            missing = [k for k in dict.fromkeys(keys) if k not in self._read]
            found = cache.get_many(missing)
            self._read.update({k: found.get(k) for k in missing})  # None: known to be absent
            wanted = [w for w, key in zip(wanted, keys, strict=True) if self._read[key] is None]
        # What must be counted: measures of one table in one pass (metrics.evaluate_many).
        metrics.evaluate_many(wanted, memo=self._memo)
