"""The rights module's to-dos (see gonghui.core.todos): the reminders the daily run opened
(by kind, overdue ones, the user's own) and legal-aid applications waiting for a decision."""

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register

MODULE = "rights"
EDIT = Access(MODULE, Action.EDIT)


def _open(user, action: str):
    from gonghui.rights.reminders.models import ReminderStatus
    from gonghui.rights.reminders.selectors import reminder_scoped

    return reminder_scoped(user, action).filter(status=ReminderStatus.OPEN)


def _kind(kind: str):
    def count(user, action: str) -> int:
        return _open(user, action).filter(kind=kind).count()

    return count


def _overdue(user, action: str) -> int:
    from gonghui.rights.shared import today

    return _open(user, action).filter(deadline__lt=today()).count()


def _mine(user, action: str) -> int:
    return _open(user, action).filter(assigned_to=user).count()


def _applications(user, action: str) -> int:
    from gonghui.rights.legalaid.models import AidStatus
    from gonghui.rights.legalaid.selectors import case_scoped

    return case_scoped(user, action).filter(status=AidStatus.APPLIED).count()


def register() -> None:
    from gonghui.rights.reminders.models import ReminderKind

    todo_register(
        Todo(
            "rights.reminders_overdue",
            "超过办理时限的维权提醒",
            EDIT,
            _overdue,
            "rights:reminder_list",
            query="overdue=1",
            tone="danger",
            oversight=True,
            order=60,
        ),
        Todo(
            "rights.replies_overdue",
            "逾期未答复的协商要约",
            EDIT,
            _kind(ReminderKind.REPLY_OVERDUE),
            "rights:reminder_list",
            query=f"kind={ReminderKind.REPLY_OVERDUE}",
            tone="danger",
            menu="rights:offer_list",
            order=61,
        ),
        Todo(
            "rights.notices_due",
            "整改期限已过、待升级的一函两书",
            EDIT,
            _kind(ReminderKind.NOTICE_DUE),
            "rights:reminder_list",
            query=f"kind={ReminderKind.NOTICE_DUE}",
            tone="danger",
            menu="rights:notice_list",
            order=62,
        ),
        Todo(
            "rights.contracts_expiring",
            "3 个月内到期的集体合同",
            EDIT,
            _kind(ReminderKind.CONTRACT_EXPIRING),
            "rights:reminder_list",
            query=f"kind={ReminderKind.CONTRACT_EXPIRING}",
            menu="rights:contract_list",
            order=63,
        ),
        Todo(
            "rights.filing_overdue",
            "逾期未报送审查的集体合同",
            EDIT,
            _kind(ReminderKind.FILING_OVERDUE),
            "rights:reminder_list",
            query=f"kind={ReminderKind.FILING_OVERDUE}",
            tone="danger",
            menu="rights:contract_list",
            order=64,
        ),
        Todo(
            "rights.cases_overdue",
            "超过办结期限的法律援助案件",
            EDIT,
            _kind(ReminderKind.CASE_OVERDUE),
            "rights:reminder_list",
            query=f"kind={ReminderKind.CASE_OVERDUE}",
            tone="danger",
            menu="rights:case_list",
            order=65,
        ),
        Todo(
            "rights.cases_applied",
            "待受理的法律援助申请",
            EDIT,
            _applications,
            "rights:case_list",
            query="state=applied",
            order=66,
        ),
        Todo(
            "rights.reminders_mine",
            "分派给我的维权提醒",
            EDIT,
            _mine,
            "rights:reminder_list",
            query="mine=1",
            tone="info",
            menu=None,
            order=67,
        ),
    )
