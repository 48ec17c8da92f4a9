"""The imports' to-dos (see gonghui.core.todos): the user's own files waiting on them."""

import datetime

from django.utils import timezone

from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.selectors import import_kinds_for
from gonghui.core.scope import Access
from gonghui.core.todos import Todo, todo_register

FAILED_RECENT_DAYS = 7


def imports_allowed(user) -> bool:
    """The import pages' access (also the to-dos'): some import kind the user may edit."""
    return bool(import_kinds_for(user))


def _ready(user, action: str) -> int:
    return ImportJob.objects.filter(user_id=user.pk, status=ImportStatus.READY).count()


def _failed_recently(user, action: str) -> int:
    since = timezone.now() - datetime.timedelta(days=FAILED_RECENT_DAYS)
    return ImportJob.objects.filter(
        user_id=user.pk, status=ImportStatus.FAILED, updated_at__gte=since
    ).count()


def register() -> None:
    access = Access(None, None, test=imports_allowed)
    todo_register(
        Todo(
            "imports.ready",
            "校验完成、待确认导入的文件",
            access,
            _ready,
            "imports:list",
            order=80,
        ),
        Todo(
            "imports.failed",
            f"近 {FAILED_RECENT_DAYS} 天导入失败的文件",
            access,
            _failed_recently,
            "imports:list",
            tone="info",
            menu=None,
            order=81,
        ),
    )
