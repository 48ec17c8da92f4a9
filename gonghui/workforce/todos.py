"""The workforce module's to-dos (see gonghui.core.todos): nominations to review or approve,
scores to publish, completion appraisals due, 五小 results and suggestions to decide,
overdue mentorship checkpoints."""

import datetime

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register
from gonghui.workforce.choices import MODULE


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _nominations_to_review(user, action: str) -> int:
    from gonghui.workforce.pioneers.models import NominationStatus
    from gonghui.workforce.pioneers.selectors import nomination_scoped

    return nomination_scoped(user, action).filter(status=NominationStatus.NOMINATED).count()


def _nominations_to_approve(user, action: str) -> int:
    from gonghui.workforce.pioneers.models import NominationStatus
    from gonghui.workforce.pioneers.selectors import nomination_scoped

    return (
        nomination_scoped(user, action)
        .filter(status=NominationStatus.NOTICE, notice_until__lt=_today())
        .count()
    )


def _appraisals_due(user, action: str) -> int:
    from gonghui.workforce.mentorships.selectors import appraisals_due

    return appraisals_due(user, action, on=_today()).count()


def _checkpoints_overdue(user, action: str) -> int:
    from gonghui.workforce.mentorships.selectors import checkpoints_overdue

    return checkpoints_overdue(user, action, on=_today()).count()


def _innovations_to_decide(user, action: str) -> int:
    from gonghui.workforce.innovations.selectors import innovations_to_decide

    return innovations_to_decide(user, action).count()


def _suggestions_to_decide(user, action: str) -> int:
    from gonghui.workforce.innovations.selectors import suggestions_to_decide

    return suggestions_to_decide(user, action).count()


def register() -> None:
    todo_register(
        Todo(
            "workforce.nominations_review",
            "待审核的荣誉推荐",
            Access(MODULE, Action.APPROVE),
            _nominations_to_review,
            "workforce:nomination_list",
            query="status=nominated",
            oversight=True,
            order=70,
        ),
        Todo(
            "workforce.nominations_approve",
            "公示期满待审批的荣誉推荐",
            Access(MODULE, Action.APPROVE),
            _nominations_to_approve,
            "workforce:nomination_list",
            query="status=notice",
            oversight=True,
            order=71,
        ),
        Todo(
            "workforce.appraisals_due",
            "期满待出师考评的师徒",
            Access(MODULE, Action.APPROVE),
            _appraisals_due,
            "workforce:mentorship_list",
            query="status=due",
            order=72,
        ),
        Todo(
            "workforce.checkpoints_overdue",
            "逾期未完成的带徒考核节点",
            Access(MODULE, Action.EDIT),
            _checkpoints_overdue,
            "workforce:mentorship_list",
            query="status=checkpoint_overdue",
            tone="danger",
            order=73,
        ),
        Todo(
            "workforce.innovations_decide",
            "待评定的五小成果",
            Access(MODULE, Action.APPROVE),
            _innovations_to_decide,
            "workforce:innovation_list",
            query="status=undecided",
            order=74,
        ),
        Todo(
            "workforce.suggestions_decide",
            "待处理的合理化建议",
            Access(MODULE, Action.APPROVE),
            _suggestions_to_decide,
            "workforce:suggestion_list",
            query="status=submitted",
            menu="workforce:innovation_list",
            order=75,
        ),
    )
