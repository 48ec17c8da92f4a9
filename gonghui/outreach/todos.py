"""The outreach module's to-dos (see gonghui.core.todos): overdue follow-ups (on the home
page and beside 跟踪回访), the user's own follow-ups due within the week, works contest
entries waiting for screening and entries assigned to the user to score."""

import datetime

from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register

MODULE = "outreach"
EDIT = Access(MODULE, Action.EDIT)


def _overdue(user, action: str) -> int:
    from gonghui.outreach.followups.selectors import followups_overdue

    return followups_overdue(user, action).count()


def _mine_due(user, action: str) -> int:
    from gonghui.outreach.followups.models import FollowUpStatus
    from gonghui.outreach.followups.selectors import followup_scoped

    until = timezone.localdate() + datetime.timedelta(days=7)
    return (
        followup_scoped(user, action)
        .filter(status=FollowUpStatus.PENDING, assigned_to=user, due_on__lte=until)
        .count()
    )


def register() -> None:
    todo_register(
        Todo(
            "outreach.followups_overdue",
            "逾期未回访的登记职工",
            EDIT,
            _overdue,
            "outreach:followup_list",
            query="due=overdue",
            tone="danger",
            oversight=True,
            order=60,
        ),
        Todo(
            "outreach.followups_mine",
            "分派给我、7 天内到期的回访",
            EDIT,
            _mine_due,
            "outreach:followup_list",
            query="due=week&mine=1",
            tone="info",
            menu=None,
            order=61,
        ),
    )
