"""The sites module's to-dos (see gonghui.core.todos): feedback and repair requests."""

from gonghui.core.modules import Action
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register
from gonghui.sites.models import FeedbackStatus
from gonghui.sites.selectors import feedback_scoped

MODULE = "sites"


def _feedback_open(user, action: str) -> int:
    return feedback_scoped(user, action).filter(status=FeedbackStatus.OPEN).count()


def register() -> None:
    todo_register(
        Todo(
            "sites.feedback_open",
            "待处理的反馈与报修",
            Access(MODULE, Action.EDIT),
            _feedback_open,
            "sites:feedback_list",
            query="status=open",
            oversight=True,
            order=60,
        ),
    )
