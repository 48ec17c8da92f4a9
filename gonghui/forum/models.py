"""主席论坛 (the chairs' forum column, issue 19; glossary §5): topics (议题) with a call text
and a deadline, submissions (投稿) from staff and from outside authors, the three-stage
review (三审: 初审/复审/终审), proof rounds (三校), the editor's note (小编说) and editions (期)
planned from accepted articles and published on a public reading page.

Ownership: a topic and an edition belong to the editorial office's org; a submission belongs
to the org it comes from (the author's union; outside authors name their township), so the
planner can tell which townships have not been published for a while and a township sees
the articles of its own people.
"""

import secrets

from django.conf import settings
from django.db import models

from gonghui.core.fields import EncryptedTextField
from gonghui.orgs.models import OrgOwned

# Size limits of one article (the submission mailbox's rules, kept as numbers in one place).
TITLE_MAX = 60
TEXT_MIN = 200
TEXT_MAX = 20000
FILES_MAX = 6
FILE_BYTES_MAX = 10 * 1024 * 1024
PROOF_ROUNDS = 3  # 三校


class Stage(models.TextChoices):
    FIRST = "first", "初审"
    SECOND = "second", "复审"
    FINAL = "final", "终审"


STAGE_ORDER: tuple[str, ...] = (Stage.FIRST, Stage.SECOND, Stage.FINAL)
STAGE_ROLE_LABELS = {Stage.FIRST: "编辑", Stage.SECOND: "责任编辑(部主任)", Stage.FINAL: "总编辑"}


class SubmissionStatus(models.TextChoices):
    FIRST = "first", "待初审"
    SECOND = "second", "待复审"
    FINAL = "final", "待终审"
    REVISE = "revise", "退回修改"
    ACCEPTED = "accepted", "已录用"
    DECLINED = "declined", "未录用"
    SCHEDULED = "scheduled", "已编入版面"
    PUBLISHED = "published", "已刊发"


IN_REVIEW: tuple[str, ...] = (
    SubmissionStatus.FIRST,
    SubmissionStatus.SECOND,
    SubmissionStatus.FINAL,
)


class Decision(models.TextChoices):
    ACCEPT = "accept", "通过"
    REVISE = "revise", "退回修改"
    DECLINE = "decline", "不予录用"


class SubmissionSource(models.TextChoices):
    STAFF = "staff", "平台用户投稿"
    PUBLIC = "public", "公开投稿"


class EditionStatus(models.TextChoices):
    PLANNED = "planned", "编排中"
    PUBLISHED = "published", "已发布"


class Topic(OrgOwned):
    """A call for articles (议题), e.g. 学党史、悟思想、办实事、开新局."""

    title = models.CharField("议题", max_length=60)
    call_text = models.TextField("征稿说明")
    deadline = models.DateField("截止日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["-deadline", "-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="forum_topic_org_id"),
            models.Index(fields=["org_anchor", "id"], name="forum_topic_anchor_id"),
        ]

    def __str__(self) -> str:
        return self.title


def _tracking_code() -> str:
    return secrets.token_hex(6).upper()


class Edition(OrgOwned):
    """One edition (期) of the column: a date and a page of the paper (e.g. twice a month,
    one full page), planned from accepted articles, then published."""

    number = models.PositiveIntegerField("期号")
    issue_date = models.DateField("出版日期")
    page = models.CharField("版面", max_length=30, default="第4版")
    title = models.CharField("本期标题", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EditionStatus.choices, default=EditionStatus.PLANNED
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "期"
        verbose_name_plural = "期"
        ordering = ["-issue_date", "-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="forum_edition_org_id"),
            models.Index(fields=["org_anchor", "id"], name="forum_edition_anchor_id"),
            models.Index(fields=["status", "issue_date"], name="forum_edition_status_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="forum_edition_unique_number")
        ]

    def __str__(self) -> str:
        return f"主席论坛 第{self.number}期"


class Submission(OrgOwned):
    """An article (投稿). `status` is where it stands; `stage_since` when it reached that
    state (the reminder of articles waiting on a stage counts from it); `reminded_at` when
    the reminder run last flagged it (once per stage: a reminder older than `stage_since`
    belongs to an earlier stage)."""

    topic = models.ForeignKey(
        Topic,
        verbose_name="议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    title = models.CharField("标题", max_length=TITLE_MAX)
    author_name = models.CharField("作者", max_length=30)
    author_position = models.CharField("职务", max_length=40, blank=True)
    author_org = models.CharField("作者单位", max_length=60, blank=True)
    text = models.TextField("正文")
    source = models.CharField(
        "来稿方式", max_length=10, choices=SubmissionSource.choices, default=SubmissionSource.STAFF
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="投稿账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    contact_email = models.CharField("电子邮箱", max_length=100, blank=True)
    tracking_code = models.CharField(
        "查询码", max_length=12, unique=True, default=_tracking_code, editable=False
    )
    submitter_ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.FIRST
    )
    stage_since = models.DateTimeField("进入当前状态时间")
    reminded_at = models.DateTimeField("催办时间", null=True, blank=True)
    revision = models.PositiveSmallIntegerField("修改轮次", default=1)
    editor_note = models.TextField("小编说", blank=True)
    edition = models.ForeignKey(
        Edition,
        verbose_name="所在期",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    position = models.PositiveSmallIntegerField("版面顺序", default=0)
    published_at = models.DateTimeField("刊发时间", null=True, blank=True)

    class Meta:
        verbose_name = "投稿"
        verbose_name_plural = "投稿"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="forum_sub_org_id"),
            models.Index(fields=["org_anchor", "id"], name="forum_sub_anchor_id"),
            models.Index(fields=["status", "stage_since"], name="forum_sub_status_since"),
            models.Index(fields=["submitted_by", "id"], name="forum_sub_author_id"),
            models.Index(fields=["edition", "position"], name="forum_sub_edition_pos"),
            models.Index(fields=["submitter_ip_hash", "created_at"], name="forum_sub_ip_time"),
        ]

    def __str__(self) -> str:
        return f"《{self.title}》"

    @property
    def contact_phone_masked(self) -> str:
        from gonghui.core.masking import mask_phone

        return mask_phone(self.contact_phone)

    @property
    def in_review(self) -> bool:
        return self.status in IN_REVIEW


class SubmissionFile(models.Model):
    """An image or attachment of an article, checked by content, stored under a random name."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="forum/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SubmissionReview(models.Model):
    """One stage's decision on one revision of an article."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField("审次", max_length=10, choices=Stage.choices)
    revision = models.PositiveSmallIntegerField("修改轮次")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审稿人", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField("审稿意见", max_length=10, choices=Decision.choices)
    comment = models.TextField("意见说明", blank=True)
    created_at = models.DateTimeField("审稿时间", auto_now_add=True)

    class Meta:
        verbose_name = "审稿记录"
        verbose_name_plural = "审稿记录"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "revision", "stage"], name="forum_review_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}：{self.get_decision_display()}"


class ProofRound(models.Model):
    """One proofreading round (校次) of an accepted article: 一校、二校、三校."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="proofs")
    number = models.PositiveSmallIntegerField("校次")
    proofreader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="校对人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("校对说明", max_length=500, blank=True)
    created_at = models.DateTimeField("校对时间", auto_now_add=True)

    class Meta:
        verbose_name = "校次"
        verbose_name_plural = "校次"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="forum_proof_unique")
        ]

    def __str__(self) -> str:
        return f"{'一二三'[self.number - 1] if 1 <= self.number <= 3 else self.number}校"


def _default_roles_first() -> list[str]:
    return ["county_staff", "county_admin"]


def _default_roles_second() -> list[str]:
    return ["county_staff", "county_admin"]


def _default_roles_final() -> list[str]:
    return ["county_admin"]


class ForumSettings(models.Model):
    """The column's settings (one row): which roles may take each review stage, after how
    many days an article waiting on a stage becomes a to-do, and after how many days
    without a published article a township shows in the planner."""

    first_roles = models.JSONField("初审角色", default=_default_roles_first)
    second_roles = models.JSONField("复审角色", default=_default_roles_second)
    final_roles = models.JSONField("终审角色", default=_default_roles_final)
    reminder_days = models.PositiveSmallIntegerField("审稿提醒天数", default=7)
    quiet_days = models.PositiveSmallIntegerField("久未刊发天数", default=90)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "论坛设置"
        verbose_name_plural = "论坛设置"

    def __str__(self) -> str:
        return "主席论坛设置"

    def roles_for(self, stage: str) -> list[str]:
        return list(getattr(self, f"{stage}_roles") or [])
