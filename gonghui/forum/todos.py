"""The forum's to-dos (gonghui.core.todos): articles waiting on a review stage, and those
waiting longer than the configured number of days (审稿提醒)."""

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register

MODULE = "forum"


def _overdue(user, action: str) -> int:
    from gonghui.forum.selectors import overdue_count
    from gonghui.forum.services import forum_settings

    return overdue_count(user, action, forum_settings().reminder_days)


def _waiting(user, action: str) -> int:
    from gonghui.forum.models import IN_REVIEW
    from gonghui.forum.selectors import submissions_scoped

    return submissions_scoped(user, action).filter(status__in=IN_REVIEW).count()


def register() -> None:
    todo_register(
        Todo(
            "forum.review_overdue",
            "审稿超期的论坛稿件",
            Access(MODULE, Action.APPROVE),
            _overdue,
            "forum:submission_list",
            # "reminder": the list reads the configured days itself (no query per page here).
            query="status=in_review&overdue=reminder",
            tone="danger",
            oversight=True,
            order=80,
        ),
        Todo(
            "forum.review_waiting",
            "待审的论坛稿件",
            Access(MODULE, Action.APPROVE),
            _waiting,
            "forum:submission_list",
            query="status=in_review",
            tone="info",
            order=81,
        ),
    )
