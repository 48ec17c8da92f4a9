"""Reads of the worker's own portal pages: who is identified, what they may register for,
their entries (with their place on a waiting list). No staff scope: the member proved who
they are (services.member_identify), and every read is limited to that member."""

from dataclasses import dataclass

from django.utils import timezone

from gonghui.members.models import Member, MemberStatus
from gonghui.workforce.competitions import selectors as competitions
from gonghui.workforce.competitions.models import Competition, Entry, EntryStatus


def member_active(pk) -> Member | None:
    return (
        Member.objects.filter(pk=pk, status=MemberStatus.ACTIVE)
        .select_related("org", "employer")
        .first()
    )


def open_competitions(member: Member) -> list[Competition]:
    """Competitions open today for the member to register on the portal."""
    return competitions.portal_competitions(member, timezone.localdate())


def open_competition(member: Member, pk) -> Competition | None:
    return next((c for c in open_competitions(member) if str(c.pk) == str(pk)), None)


@dataclass(frozen=True)
class MyEntry:
    entry: Entry
    position: int  # place on the waiting list, 0 when registered or withdrawn

    @property
    def live(self) -> bool:
        return self.entry.status != EntryStatus.WITHDRAWN


def my_entries(member: Member, limit: int = 50) -> list[MyEntry]:
    """The member's entries, newest competitions first, each waiting one with its place on
    the competition's waiting list (one query for all of them)."""
    entries = list(competitions.member_entries(member)[:limit])
    waiting = [e for e in entries if e.status == EntryStatus.WAITING]
    places: dict[int, int] = {}
    if waiting:
        queue = (
            Entry.objects.filter(
                competition_id__in={e.competition_id for e in waiting},
                status=EntryStatus.WAITING,
            )
            .order_by("competition_id", "registered_at", "id")
            .values_list("id", "competition_id")
        )
        counted: dict[int, int] = {}
        for pk, competition_id in queue:
            counted[competition_id] = counted.get(competition_id, 0) + 1
            places[pk] = counted[competition_id]
    return [MyEntry(e, places.get(e.pk, 0)) for e in entries]
