"""Member statistics (issue 3 "Statistics"): members by org, employment form and joined year;
union coverage (建会率) and membership rate (入会率) per org.

Everything is set-based: one grouped query per measure over the user's scope, then the
groups are folded into the top-level rows (the direct children of each scope root) by
their materialised path. No query per org.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from gonghui.core.modules import Action
from gonghui.core.reports import report_order
from gonghui.core.scope import scope_queryset, scope_roots
from gonghui.members.models import NEW_EMPLOYMENT_FORMS, EmploymentForm, Member, MemberStatus
from gonghui.orgs.models import Enterprise, EnterpriseStatus, Org

MODULE = "members"


@dataclass
class OrgRow:
    """One row of the per-org table: an org and the totals of its whole subtree."""

    org_id: int
    name: str
    own_only: bool = False  # the scope root itself, members held directly there
    code: str = ""
    members: int = 0
    new_form_members: int = 0
    migrant_members: int = 0
    enterprises: int = 0
    enterprises_with_union: int = 0
    employees: int = 0

    @property
    def coverage(self) -> float | None:
        """建会率: enterprises with a union / all enterprises (None when there are none)."""
        return self.enterprises_with_union / self.enterprises if self.enterprises else None

    @property
    def membership_rate(self) -> float | None:
        """入会率: active members / employees of the enterprises in the subtree."""
        return self.members / self.employees if self.employees else None

    @property
    def is_empty(self) -> bool:
        """No members, no employers: the row adds nothing to the report."""
        return not (self.members or self.enterprises or self.employees)

    def add(self, other: "OrgRow") -> None:
        for name in (
            "members",
            "new_form_members",
            "migrant_members",
            "enterprises",
            "enterprises_with_union",
            "employees",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class MemberStats:
    rows: list[OrgRow] = field(default_factory=list)
    total: OrgRow = field(default_factory=lambda: OrgRow(0, "合计"))
    by_form: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    by_year: list[tuple[int, int]] = field(default_factory=list)  # (year, count)


def _row_key(path: str, roots: list) -> tuple[int, int] | None:
    """(root org id, child org id) for an org path under one of the roots; the child is the
    root itself for rows held directly at the root. None outside every root."""
    for root in roots:
        if path.startswith(root.path):
            rest = path[len(root.path) :].strip("/")
            child = int(rest.split("/", 1)[0]) if rest else root.org_id
            return root.org_id, child
    return None


def member_stats(user, action: str = Action.VIEW) -> MemberStats:
    """Statistics over the user's scope for (members, action)."""
    roots = scope_roots(user, MODULE, action)
    stats = MemberStats()
    if not roots:
        return stats
    root_ids = [r.org_id for r in roots]
    orgs = {
        o.pk: o
        for o in Org.objects.filter(Q(pk__in=root_ids) | Q(parent_id__in=root_ids)).only(
            "id", "name", "path", "parent_id", "status", "code"
        )
    }
    rows: dict[tuple[int, int], OrgRow] = {}
    for root in roots:
        root_org = orgs[root.org_id]
        rows[(root.org_id, root.org_id)] = OrgRow(
            root.org_id, root_org.name, own_only=True, code=root_org.code
        )
        for child in (o for o in orgs.values() if o.parent_id == root.org_id):
            rows[(root.org_id, child.pk)] = OrgRow(child.pk, child.name, code=child.code)

    active = scope_queryset(Member.objects.all(), user, MODULE, action).filter(
        status=MemberStatus.ACTIVE
    )
    member_groups = (
        active.values("org__path")
        .annotate(
            n=Count("id"),
            new_form=Count("id", filter=Q(employment_form__in=NEW_EMPLOYMENT_FORMS)),
            migrant=Count("id", filter=Q(is_migrant_worker=True)),
        )
        .order_by()
    )
    for group in member_groups:
        key = _row_key(group["org__path"], roots)
        if key in rows:
            row = rows[key]
            row.members += group["n"]
            row.new_form_members += group["new_form"]
            row.migrant_members += group["migrant"]

    enterprise_groups = (
        scope_queryset(Enterprise.objects.all(), user, MODULE, action)
        .filter(status=EnterpriseStatus.ACTIVE)
        .values("org__path")
        .annotate(
            n=Count("id"),
            with_union=Count("id", filter=Q(has_union=True)),
            employees=Sum("employee_count"),
        )
        .order_by()
    )
    for group in enterprise_groups:
        key = _row_key(group["org__path"], roots)
        if key in rows:
            row = rows[key]
            row.enterprises += group["n"]
            row.enterprises_with_union += group["with_union"]
            row.employees += group["employees"] or 0

    # The root's own row only when something is held there directly (keeps the table short);
    # rows with figures first in org-code order, the empty ones last (core.reports).
    stats.rows = report_order(
        (
            row
            for row in rows.values()
            if not row.own_only or row.members or row.enterprises or len(roots) > 1
        ),
        is_empty=lambda row: row.is_empty,
    )
    for row in rows.values():
        stats.total.add(row)

    labels = dict(EmploymentForm.choices)
    counts = dict(
        active.values("employment_form")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("employment_form", "n")
    )
    stats.by_form = [
        (code, labels[code], counts[code]) for code in EmploymentForm.values if counts.get(code)
    ]
    stats.by_year = sorted(  # members without a joined date (信息待补全) are not in it
        active.exclude(joined_on=None)
        .annotate(year=ExtractYear("joined_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("year", "n")
    )
    return stats


def stats_table(stats: MemberStats) -> tuple[list[str], list[list]]:
    """Headers and rows of the per-org table, as shown on the page and in the .xlsx."""
    headers = [
        "组织",
        "在册会员",
        "新就业形态会员",
        "农民工会员",
        "用人单位数",
        "已建会单位数",
        "建会率",
        "职工人数",
        "入会率",
    ]

    def pct(value):
        return "" if value is None else f"{value * 100:.1f}%"

    rows = [
        [
            f"{row.name}(本级)" if row.own_only else row.name,
            row.members,
            row.new_form_members,
            row.migrant_members,
            row.enterprises,
            row.enterprises_with_union,
            pct(row.coverage),
            row.employees,
            pct(row.membership_rate),
        ]
        for row in [*stats.rows, stats.total]
    ]
    return headers, rows
