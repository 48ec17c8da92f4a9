"""The dashboard's cache of computed figures.

What is cached: all the figures one page asks for — the answers of `metrics.evaluate_many`
for its (measure, orgs, period) questions — as ONE entry, under a key made of the *data mark*
and a digest of the questions. A request reads it with one cache read and, when it is
missing, counts everything in one batch and writes it with one cache write (a database
cache pays several queries per write: one entry per page, not one per measure). Pages and
the API still check scope on every request; only the counting is skipped.

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

Question = tuple[str, Sequence, metrics.Period | None]


def cache_seconds() -> int:
    return int(getattr(settings, "GONGHUI_DASHBOARD_CACHE_SECONDS", 600))


def data_mark() -> str:
    """The newest audit event's id and time (ids alone can repeat after a rollback)."""
    newest = AuditEvent.objects.order_by("-id").values_list("id", "at").first()
    if newest is None:
        return "0"
    return f"{newest[0]}.{newest[1].timestamp():.6f}"


def _span(period: metrics.Period | None) -> str:
    return f"{period.start}:{period.end}" if period is not None else "-"


class FigureCache:
    """`evaluate` with a page's figures counted in one batch and kept in Django's cache; one
    per request (the mark is read once, when it is made). `seconds=0` turns the cache off
    (the uncached comparison) but still counts the page's questions in one batch.

    `load(questions)` answers all of a page's questions at once; `evaluate` then reads them
    (a question that was not loaded is counted on its own and counts as a miss)."""

    def __init__(self, *, seconds: int | None = None):
        self.seconds = cache_seconds() if seconds is None else seconds
        self.mark = data_mark() if self.seconds else ""
        self.hits = 0  # questions answered from the cache
        self.misses = 0  # questions counted in this request
        self._figures: dict[tuple[str, metrics.Period | None], dict[int, metrics.Figure]] = {}

    def _key(self, questions: Sequence[Question]) -> str:
        asked = sorted(
            f"{code}|{_span(period)}|{','.join(str(pk) for pk in sorted(o.pk for o in orgs))}"
            for code, orgs, period in questions
        )
        digest = hashlib.blake2b("\n".join(asked).encode(), digest_size=16).hexdigest()
        return f"dash:{self.mark}:{digest}"

    def _known(self, code: str, orgs: Sequence, period: metrics.Period | None) -> bool:
        figures = self._figures.get((code, period))
        return figures is not None and all(org.pk in figures for org in orgs)

    def load(self, questions: Sequence[Question]) -> None:
        """Answer the questions: one cache read; when absent, one batch count and one write."""
        questions = [q for q in questions if not self._known(*q)]
        if not questions:
            return
        key = self._key(questions) if self.seconds else ""
        found = cache.get(key) if key else None
        if found is not None:
            self.hits += len(found)
        else:
            found = metrics.evaluate_many(questions)
            self.misses += len(found)
            if key:
                cache.set(key, found, self.seconds)
        for pair, figures in found.items():
            self._figures.setdefault(pair, {}).update(figures)

    def evaluate(self, code: str, *, orgs: Sequence, period: metrics.Period | None):
        if not self._known(code, orgs, period):
            self.misses += 1
            figures = metrics.evaluate(code, orgs=orgs, period=period)
            self._figures.setdefault((code, period), {}).update(figures)
        figures = self._figures[(code, period)]
        return {org.pk: figures[org.pk] for org in orgs}
