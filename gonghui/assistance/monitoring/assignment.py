"""Who gets an alert: a user who may edit assistance records at the alert's org.

Deterministic: walk from the alert's org up the tree; at the first org where active users
hold a role granting `assistance.edit` (so their scope covers the alert), pick the one with
the fewest open alerts (ties: the lowest user id). Loads the role assignments once per run
and keeps the open-alert counts in memory while a run hands out alerts.
"""

from collections import Counter, defaultdict

from django.db.models import Count

from gonghui.assistance.models import Alert
from gonghui.assistance.monitoring.definitions import AlertStatus
from gonghui.core.modules import Action
from gonghui.orgs.models import Org, OrgStatus

MODULE = "assistance"


class Assigner:
    def __init__(self):
        from gonghui.accounts.models import RoleAssignment

        self._holders: dict[int, list[int]] = defaultdict(list)
        for assignment in RoleAssignment.objects.filter(
            user__is_active=True, org__status=OrgStatus.ACTIVE
        ).select_related("role"):
            if assignment.role.grants(MODULE, Action.EDIT):
                self._holders[assignment.org_id].append(assignment.user_id)
        self._load = Counter(
            dict(
                Alert.objects.filter(status=AlertStatus.OPEN, assigned_to__isnull=False)
                .values_list("assigned_to")
                .annotate(n=Count("id"))
                .values_list("assigned_to", "n")
            )
        )
        self._paths: dict[int, list[int]] = {}

    def _chain(self, org_id: int) -> list[int]:
        """The org and its ancestors, nearest first."""
        if org_id not in self._paths:
            path = Org.objects.filter(pk=org_id).values_list("path", flat=True).first() or ""
            ids = [int(p) for p in path.strip("/").split("/") if p]
            self._paths[org_id] = list(reversed(ids))
        return self._paths[org_id]

    def pick(self, org_id: int) -> int | None:
        for candidate_org in self._chain(org_id):
            users = sorted(set(self._holders.get(candidate_org, ())))
            if users:
                chosen = min(users, key=lambda u: (self._load[u], u))
                self._load[chosen] += 1
                return chosen
        return None
