"""The plans module's to-dos (gonghui.core.todos): overdue 产改 items and reports due."""

from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register
from gonghui.plans.reform.selectors import (
    items_scoped,
    last_meeting_day,
    overdue_q,
    report_due_q,
)

MODULE = "plans"


def _overdue(user, action: str) -> int:
    return items_scoped(user, action).filter(overdue_q(timezone.localdate())).count()


def _report_due(user, action: str) -> int:
    return items_scoped(user, action).filter(report_due_q(last_meeting_day(user))).count()


def register() -> None:
    todo_register(
        Todo(
            "plans.reform_overdue",
            "逾期未完成的产改事项",
            Access(MODULE, Action.EDIT),
            _overdue,
            "plans:reform_list",
            query="state=overdue",
            tone="danger",
            oversight=True,
            order=90,
        ),
        Todo(
            "plans.reform_report_due",
            "会后待报告进展的产改事项",
            Access(MODULE, Action.EDIT),
            _report_due,
            "plans:reform_list",
            query="state=report_due",
            order=91,
        ),
    )
