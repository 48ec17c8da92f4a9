from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "gonghui.forum"
    label = "forum"
    verbose_name = "主席论坛"

    def ready(self) -> None:
        from gonghui.forum import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by forum/services.py and its exports."""
    from gonghui.core.labels import labels_register
    from gonghui.forum.models import Decision, EditionStatus, Stage, SubmissionStatus

    labels_register(
        keys={
            "review_stage": "审次",
            "review_decision": "审稿意见",
            "revision": "修改轮次",
            "proof_round": "校次",
            "editor_note": "小编说",
            "edition_number": "期号",
            "added": "编入稿件(编号)",
            "removed": "移出稿件(编号)",
            "files": "附件数",
            "article_source": "来稿方式",
            "tracking_code": "查询码",
            "reminder_days": "提醒天数",
            "quiet_days": "久未刊发天数",
            "stage_roles": "审次角色",
            "topic": "议题",
            "review_reminder": "审稿催办(审次)",
            "waited_days": "已等待天数",
        },
        values={
            "review_stage": Stage,
            "review_reminder": Stage,
            "review_decision": Decision,
            "status": {**dict(SubmissionStatus.choices), **dict(EditionStatus.choices)},
            "article_source": {"staff": "平台用户投稿", "public": "公开投稿"},
            "what": {"forum_stats": "主席论坛统计"},
        },
        pairs=["status"],
    )
