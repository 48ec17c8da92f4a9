"""Who gets an alert: a user who may edit assistance records at the alert's org.

Deterministic: walk from the alert's org up the tree; at the first org where active users
hold a role granting `assistance.edit` (so their scope covers the alert), pick the one with
the fewest open alerts (ties: the lowest user id). Loads the role assignments once per run,
the org paths once per batch of alerts, and keeps the open-alert counts in memory while a
run hands out alerts.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Count

from gonghui.assistance.models import Alert
from gonghui.assistance.monitoring.definitions import AlertStatus
from gonghui.core.modules import Action
from gonghui.orgs.models import Org, OrgStatus

MODULE = "assistance"
PATH_CHUNK = 2000  # org ids per query (SQLite caps the number of parameters)


class Assigner:
    def __init__(self):
        from gonghui.accounts.models import RoleAssignment

        holders: dict[int, set[int]] = defaultdict(set)
        for assignment in RoleAssignment.objects.filter(
            user__is_active=True, org__status=OrgStatus.ACTIVE
        ).select_related("role"):
            if assignment.role.grants(MODULE, Action.EDIT):
                holders[assignment.org_id].add(assignment.user_id)
        self._holders: dict[int, list[int]] = {org: sorted(u) for org, u in holders.items()}
        self._load = Counter(
            dict(
                Alert.objects.filter(status=AlertStatus.OPEN, assigned_to__isnull=False)
                .values_list("assigned_to")
                .annotate(n=Count("id"))
                .values_list("assigned_to", "n")
            )
        )
        self._paths: dict[int, list[int]] = {}
        self._nearest: dict[int, int | None] = {}  # org → the org whose editors take its alerts

    def _load_chains(self, org_ids: Iterable[int]) -> None:
        """The org and its ancestors, nearest first, for every org not seen yet."""
        missing = sorted({o for o in org_ids if o not in self._paths})
        for start in range(0, len(missing), PATH_CHUNK):
            chunk = missing[start : start + PATH_CHUNK]
            for pk, path in Org.objects.filter(pk__in=chunk).values_list("pk", "path"):
                ids = [int(p) for p in path.strip("/").split("/") if p]
                self._paths[pk] = list(reversed(ids))
        for org_id in missing:
            self._paths.setdefault(org_id, [])

    def _holder_org(self, org_id: int) -> int | None:
        if org_id not in self._nearest:
            self._load_chains([org_id])
            self._nearest[org_id] = next(
                (o for o in self._paths[org_id] if self._holders.get(o)), None
            )
        return self._nearest[org_id]

    def pick(self, org_id: int) -> int | None:
        holder_org = self._holder_org(org_id)
        if holder_org is None:
            return None
        chosen = min(self._holders[holder_org], key=lambda u: (self._load[u], u))
        self._load[chosen] += 1
        return chosen

    def pick_many(self, org_ids: list[int]) -> list[int | None]:
        """pick() for each org in order, with the org paths loaded in a few queries."""
        self._load_chains(org_ids)
        return [self.pick(org_id) for org_id in org_ids]
