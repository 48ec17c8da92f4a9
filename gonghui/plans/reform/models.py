"""产改 (产业工人队伍建设改革) tracking: the joint-meeting office's problem list and task list
(glossary: ReformProblem, ReformTask, JointMeeting) and the units' progress reports.

Problems and tasks share one model, told apart by `kind`: both have an owner unit (the org),
a deadline, a status and progress reports; a task may come from a meeting's decisions.
"""

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = ["JointMeeting", "ReformItem", "ReformKind", "ReformReport", "ReformStatus"]


class ReformKind(models.TextChoices):
    PROBLEM = "problem", "问题清单"
    TASK = "task", "目标任务清单"


class ReformStatus(models.TextChoices):
    OPEN = "open", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (ReformStatus.OPEN, ReformStatus.IN_PROGRESS)


class JointMeeting(OrgOwned):
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=100)
    agenda = models.TextField("议程", blank=True)
    decisions = models.TextField("议定事项", blank=True)

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ReformItem(OrgOwned):
    kind = models.CharField("清单", max_length=8, choices=ReformKind.choices)
    title = models.CharField("事项", max_length=150)
    description = models.TextField("具体内容", blank=True)
    deadline = models.DateField("完成时限")
    status = models.CharField(
        "状态", max_length=12, choices=ReformStatus.choices, default=ReformStatus.OPEN
    )
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name="来源会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    last_reported_on = models.DateField("最近报告日期", null=True, blank=True)

    class Meta:
        verbose_name = "产改清单事项"
        verbose_name_plural = "产改清单事项"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="reformitem_anchor_id"),
            models.Index(fields=["status", "deadline"], name="reformitem_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.title


class ReformReport(models.Model):
    item = models.ForeignKey(ReformItem, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField("报告日期")
    text = models.TextField("进展情况")
    progress = models.PositiveSmallIntegerField("进度(%)")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pk}"
