"""产改 (产业工人队伍建设改革) tracking: the joint-meeting office's problem list and task list
(glossary: ReformProblem, ReformTask, JointMeeting) and the units' progress reports; the pilot
enterprises (试点企业) and the 三员 (产改指导员, 科技特派员, 观察员: ReformAgent) assigned to
enterprises, their visits (ReformVisit) and the feedback they collect (ReformFeedback), which
can become a problem on the list.

Problems and tasks share one model, told apart by `kind`: both have an owner unit (the org),
a deadline, a status and progress reports; a task may come from a meeting's decisions.
"""

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = [
    "JointMeeting",
    "PilotEnterprise",
    "PilotLevel",
    "PilotStatus",
    "ReformAgent",
    "ReformAgentKind",
    "ReformFeedback",
    "ReformItem",
    "ReformKind",
    "ReformReport",
    "ReformStatus",
    "ReformVisit",
]


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


class PilotLevel(models.TextChoices):
    COUNTY = "county", "县级试点"
    CITY = "city", "市级试点"
    PROVINCE = "province", "省级试点"
    NATIONAL = "national", "全国试点"


class PilotStatus(models.TextChoices):
    ACTIVE = "active", "试点中"
    ENDED = "ended", "已结束"


class PilotEnterprise(OrgOwned):
    """An enterprise named a 产改 pilot. `org` is the org covering the enterprise (so the
    township sees its pilots); the naming org is `named_by`."""

    enterprise = models.OneToOneField(
        "orgs.Enterprise", verbose_name="试点企业", on_delete=models.PROTECT, related_name="+"
    )
    named_by = models.ForeignKey(
        "orgs.Org", verbose_name="确定单位", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("试点层级", max_length=10, choices=PilotLevel.choices)
    named_on = models.DateField("确定日期")
    focus = models.TextField("改革重点", blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=PilotStatus.choices, default=PilotStatus.ACTIVE
    )

    class Meta:
        verbose_name = "产改试点企业"
        verbose_name_plural = "产改试点企业"
        ordering = ["-named_on", "id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="pilot_anchor_id")]

    def __str__(self) -> str:
        return str(self.enterprise_id)


class ReformAgentKind(models.TextChoices):
    GUIDE = "guide", "产改指导员"
    TECH = "tech", "科技特派员"
    OBSERVER = "observer", "观察员"


class ReformAgent(OrgOwned):
    """One of the 三员, appointed by `org` (the county or a township union) and assigned to
    enterprises in its subtree. No personal data beyond the name and work unit."""

    kind = models.CharField("类别", max_length=10, choices=ReformAgentKind.choices)
    name = models.CharField("姓名", max_length=50)
    unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    appointed_on = models.DateField("聘任日期")
    active = models.BooleanField("在任", default=True)
    enterprises = models.ManyToManyField(
        "orgs.Enterprise", verbose_name="联系企业", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "产改三员"
        verbose_name_plural = "产改三员"
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="reformagent_anchor_id")]

    def __str__(self) -> str:
        return self.name


class ReformVisit(OrgOwned):
    """An agent's visit to an enterprise; `org` is the enterprise's org."""

    agent = models.ForeignKey(
        ReformAgent, verbose_name="走访人", on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="走访企业", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("走访日期")
    summary = models.TextField("走访情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "三员走访"
        verbose_name_plural = "三员走访"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="reformvisit_anchor_id")]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.agent_id}"


class ReformFeedback(models.Model):
    """A problem or suggestion an agent collected on a visit; `item` once it has been put
    on the problem list."""

    visit = models.ForeignKey(ReformVisit, on_delete=models.CASCADE, related_name="feedback")
    text = models.CharField("反映的问题或建议", max_length=300)
    item = models.OneToOneField(
        ReformItem,
        verbose_name="列入问题清单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_feedback",
    )

    class Meta:
        verbose_name = "走访收集的意见"
        verbose_name_plural = "走访收集的意见"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text
