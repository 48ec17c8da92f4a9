"""The members module's to-dos (see gonghui.core.todos): join reviews and incoming transfers."""

from gonghui.core.modules import Action
from gonghui.core.scope import Access, scope_paths, scope_q
from gonghui.core.todos import Todo, todo_register
from gonghui.members.joining.services import application_scoped
from gonghui.members.models import JoinStatus, MembershipTransfer, TransferStatus

MODULE = "members"


def _join_pending(user, action: str) -> int:
    return application_scoped(user, action).filter(status=JoinStatus.PENDING).count()


def _transfers_incoming(user, action: str) -> int:
    """Pending transfers into a union in the user's scope (the receiving side decides)."""
    paths = scope_paths(user, MODULE, action)
    return MembershipTransfer.objects.filter(
        scope_q(paths, "org__path"), status=TransferStatus.PENDING
    ).count()


def register() -> None:
    todo_register(
        Todo(
            "members.join_pending",
            "待审核的入会申请",
            Access(MODULE, Action.APPROVE),
            _join_pending,
            "members:join_list",
            query="status=pending",
            order=10,
        ),
        Todo(
            "members.transfers_incoming",
            "待审批的会籍转入",
            Access(MODULE, Action.APPROVE),
            _transfers_incoming,
            "members:transfer_list",
            query="box=incoming&status=pending",
            order=20,
        ),
    )
