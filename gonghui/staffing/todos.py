"""The staffing module's to-dos (see gonghui.core.todos): contracts ending soon, contracts
flagged for review, appraisals waiting to be published, objections waiting for an answer."""

import datetime as dt

from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import Access, scope_queryset
from gonghui.core.todos import Todo, todo_register
from gonghui.staffing.models import Appraisal, AppraisalStatus, SocialWorker, WorkerStatus
from gonghui.staffing.people.selectors import CONTRACT_WARNING_DAYS

MODULE = "staffing"


def _contracts_expiring(user, action: str) -> int:
    until = timezone.localdate() + dt.timedelta(days=CONTRACT_WARNING_DAYS)
    return (
        scope_queryset(SocialWorker.objects.all(), user, MODULE, action)
        .filter(status=WorkerStatus.ACTIVE, contract_end__lte=until)
        .count()
    )


def _contracts_review(user, action: str) -> int:
    return (
        scope_queryset(SocialWorker.objects.all(), user, MODULE, action)
        .filter(status=WorkerStatus.ACTIVE, contract_review=True)
        .count()
    )


def _objections_open(user, action: str) -> int:
    return (
        scope_queryset(Appraisal.objects.all(), user, MODULE, action)
        .filter(objection__isnull=False, objection__answered_at__isnull=True)
        .count()
    )


def _appraisals_rating(user, action: str) -> int:
    return (
        scope_queryset(Appraisal.objects.all(), user, MODULE, action)
        .filter(status=AppraisalStatus.RATING)
        .count()
    )


def register() -> None:
    todo_register(
        Todo(
            "staffing.contracts_expiring",
            f"{CONTRACT_WARNING_DAYS}天内到期的社工劳动合同",
            Access(MODULE, Action.EDIT),
            _contracts_expiring,
            "staffing:worker_list",
            query="contract=expiring",
            tone="warn",
            oversight=True,
            order=70,
        ),
        Todo(
            "staffing.contracts_review",
            "两次考核不称职、待复核合同的社工",
            Access(MODULE, Action.APPROVE),
            _contracts_review,
            "staffing:worker_list",
            query="contract=review",
            tone="danger",
            oversight=True,
            order=71,
        ),
        Todo(
            "staffing.objections_open",
            "待答复的考核异议",
            Access(MODULE, Action.APPROVE),
            _objections_open,
            "staffing:appraisal_list",
            query="objection=open",
            tone="danger",
            order=72,
        ),
        Todo(
            "staffing.appraisals_rating",
            "评议中、待公布的社工考核",
            Access(MODULE, Action.APPROVE),
            _appraisals_rating,
            "staffing:appraisal_list",
            query="status=rating",
            tone="info",
            order=73,
        ),
    )
