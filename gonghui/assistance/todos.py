"""The assistance module's to-dos (see gonghui.core.todos): alerts by deadline, overdue
re-checks and visits, archive applications at each step, grants awaiting approval."""

from django.db.models import Exists, OuterRef

from gonghui.assistance.archives.selectors import archive_scoped
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Grant, Visit
from gonghui.assistance.monitoring.definitions import AlertStatus
from gonghui.assistance.monitoring.selectors import DUE_SOON, alert_scoped, alerts_due_soon
from gonghui.assistance.programmes.models import GrantStatus
from gonghui.assistance.standards.selectors import today
from gonghui.assistance.visits.services import previous_quarter, quarter_bounds, quarter_of
from gonghui.core.modules import Action
from gonghui.core.scope import Access, role_assignments, scope_q, scope_queryset
from gonghui.core.todos import Todo, todo_register
from gonghui.orgs.models import OrgLevel

MODULE = "assistance"
EDIT = Access(MODULE, Action.EDIT)


def _alerts_overdue(user, action: str) -> int:
    return alert_scoped(user, action).filter(status=AlertStatus.OPEN, deadline__lt=today()).count()


def _alerts_due_soon(user, action: str) -> int:
    return alerts_due_soon(alert_scoped(user, action)).count()


def _alerts_mine(user, action: str) -> int:
    return alert_scoped(user, action).filter(status=AlertStatus.OPEN, assigned_to=user).count()


def _reviews_overdue(user, action: str) -> int:
    return (
        archive_scoped(user, action)
        .filter(status=ArchiveStatus.ARCHIVED, next_review_due__lt=today())
        .count()
    )


def _not_visited(user, action: str, year: int, quarter: int) -> int:
    """Archived households (by the quarter's end) with no visit in the quarter."""
    _start, end = quarter_bounds(year, quarter)
    visited = Visit.objects.filter(archive=OuterRef("pk"), year=year, quarter=quarter)
    return (
        archive_scoped(user, action)
        .filter(status=ArchiveStatus.ARCHIVED, archived_on__lte=end)
        .exclude(Exists(visited))
        .count()
    )


def _visits_overdue(user, action: str) -> int:
    return _not_visited(user, action, *previous_quarter(*quarter_of(today())))


def _visits_due(user, action: str) -> int:
    return _not_visited(user, action, *quarter_of(today()))


def _archives_in(status: str):
    def count(user, action: str) -> int:
        return archive_scoped(user, action).filter(status=status).count()

    return count


def _county_approvals(user, action: str) -> int:
    """Applications past the home visit, for approvers at the county federation (or above)."""
    paths = [
        a.org.path
        for a in role_assignments(user)
        if a.org.is_active and a.org.level <= OrgLevel.COUNTY and a.role.grants(MODULE, action)
    ]
    if not paths:
        return 0
    return (
        archive_scoped(user, action)
        .filter(scope_q(paths, "org__path"), status=ArchiveStatus.VISITED)
        .count()
    )


def _grants_proposed(user, action: str) -> int:
    return (
        scope_queryset(Grant.objects.all(), user, MODULE, action)
        .filter(status=GrantStatus.PROPOSED)
        .count()
    )


def _previous_quarter_query() -> str:
    year, quarter = previous_quarter(*quarter_of(today()))
    return f"quarter={year}Q{quarter}"


def register() -> None:
    todo_register(
        Todo(
            "assistance.alerts_overdue",
            "逾期未办结的预警",
            EDIT,
            _alerts_overdue,
            "assistance:alert_overdue",
            tone="danger",
            menu="assistance:alert_list",
            oversight=True,
            order=30,
        ),
        Todo(
            "assistance.alerts_due_soon",
            "3 个工作日内到期的预警",
            EDIT,
            _alerts_due_soon,
            "assistance:alert_list",
            query=f"status=open&overdue={DUE_SOON}",
            menu=None,
            order=31,
        ),
        Todo(
            "assistance.alerts_mine",
            "分派给我的待处置预警",
            EDIT,
            _alerts_mine,
            "assistance:alert_list",
            query="status=open&mine=1",
            tone="info",
            menu=None,
            order=32,
        ),
        Todo(
            "assistance.reviews_overdue",
            "年度复核逾期的档案",
            EDIT,
            _reviews_overdue,
            "assistance:list",
            query="status=archived&overdue=1",
            tone="danger",
            oversight=True,
            order=40,
        ),
        Todo(
            "assistance.visits_overdue",
            "上季度未走访的在档户",
            EDIT,
            _visits_overdue,
            "assistance:visit_list",
            query=_previous_quarter_query,
            tone="danger",
            oversight=True,
            order=41,
        ),
        Todo(
            "assistance.visits_due",
            "本季度待走访的在档户",
            EDIT,
            _visits_due,
            "assistance:visit_list",
            tone="info",
            menu=None,
            order=42,
        ),
        Todo(
            "assistance.archives_applied",
            "待基层核实的建档申请",
            EDIT,
            _archives_in(ArchiveStatus.APPLIED),
            "assistance:list",
            query=f"status={ArchiveStatus.APPLIED}",
            order=43,
        ),
        Todo(
            "assistance.archives_checked",
            "待入户核查的建档申请",
            EDIT,
            _archives_in(ArchiveStatus.GRASSROOTS_CHECKED),
            "assistance:list",
            query=f"status={ArchiveStatus.GRASSROOTS_CHECKED}",
            order=44,
        ),
        Todo(
            "assistance.archives_visited",
            "待县总审批的建档申请",
            Access(MODULE, Action.APPROVE),
            _county_approvals,
            "assistance:list",
            query=f"status={ArchiveStatus.VISITED}",
            order=45,
        ),
        Todo(
            "assistance.archives_approved",
            "已审批待建档的申请",
            EDIT,
            _archives_in(ArchiveStatus.APPROVED),
            "assistance:list",
            query=f"status={ArchiveStatus.APPROVED}",
            order=46,
        ),
        Todo(
            "assistance.grants_proposed",
            "待审批的帮扶发放",
            Access(MODULE, Action.APPROVE),
            _grants_proposed,
            "assistance:programme_list",
            order=50,
        ),
    )
