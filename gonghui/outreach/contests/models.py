"""Works contests (作品征集: 征文, 书画, 摄影, 诵读 …): a call with a theme, categories, a deadline
and rules; entries submitted on the portal (text and images, size- and type-checked); screening;
a panel of judges each scoring only the entries assigned to them; scores combined by the call's
method (*configurable*: the mean, or the mean without the highest and the lowest score); ranks
with ties (1, 2, 2, 4), prizes by rank, and a public gallery of the winners."""

from django.conf import settings
from django.db import models

from gonghui.core.fields import ByteOrderCharField, EncryptedTextField
from gonghui.core.masking import mask_phone
from gonghui.orgs.models import OrgOwned

__all__ = [
    "ContestCategory",
    "ContestJudge",
    "ContestStatus",
    "Entry",
    "EntryImage",
    "EntryStatus",
    "JudgeAssignment",
    "Score",
    "ScoringMethod",
    "WorksContest",
]


class ScoringMethod(models.TextChoices):
    MEAN = "mean", "各评委评分的平均分"
    TRIMMED_MEAN = "trimmed_mean", "去掉一个最高分和一个最低分后的平均分"


class ContestStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "征集中"
    JUDGING = "judging", "评审中"
    PUBLISHED = "published", "已公布结果"


class WorksContest(OrgOwned):
    """A call for works. `prizes`: [{"name": "一等奖", "count": 1}, …] per category, best
    first; an entry whose rank is within the first tiers' counts gets that tier (tied entries
    share the better prize)."""

    title = models.CharField("征集名称", max_length=100)
    theme = models.TextField("主题")
    rules = models.TextField("征集要求", blank=True)
    opens_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    entries_per_person = models.PositiveSmallIntegerField("每人每类可投稿件数", default=1)
    score_min = models.DecimalField("最低分", max_digits=5, decimal_places=2, default=0)
    score_max = models.DecimalField("最高分", max_digits=5, decimal_places=2, default=100)
    scoring_method = models.CharField(
        "计分方法", max_length=14, choices=ScoringMethod.choices, default=ScoringMethod.MEAN
    )
    prizes = models.JSONField("奖项设置", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "作品征集"
        verbose_name_plural = "作品征集"
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="contest_anchor_id")]

    def __str__(self) -> str:
        return self.title


class ContestCategory(models.Model):
    contest = models.ForeignKey(WorksContest, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别", max_length=30)
    takes_text = models.BooleanField("可提交文字", default=True)
    max_images = models.PositiveSmallIntegerField("图片数上限", default=0)
    text_max_chars = models.PositiveIntegerField("文字字数上限", default=5000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "征集类别"
        verbose_name_plural = "征集类别"
        ordering = ["contest", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", "待初审"
    ACCEPTED = "accepted", "入围评审"
    REJECTED = "rejected", "未入围"
    WITHDRAWN = "withdrawn", "已撤回"


class Entry(OrgOwned):
    """An entry (`org` = the contest's org). `phone_hash` identifies the author for the
    entries-per-person rule. `final_score`, `rank`, `tied` and `prize` are set when the
    results are computed (contest_results_compute)."""

    contest = models.ForeignKey(WorksContest, on_delete=models.PROTECT, related_name="entries")
    category = models.ForeignKey(
        ContestCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="entries"
    )
    reference = ByteOrderCharField("作品编号", max_length=12, unique=True, editable=False)
    author_name = models.CharField("作者", max_length=50)
    author_unit = models.CharField("作者单位", max_length=100, blank=True)
    phone = EncryptedTextField("手机号码")
    phone_hash = ByteOrderCharField(max_length=64, editable=False)
    title = models.CharField("作品名称", max_length=100)
    text = models.TextField("作品正文", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    screen_note = models.CharField("初审意见", max_length=200, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    final_score = models.DecimalField(
        "最终得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    score_count = models.PositiveSmallIntegerField("评分数", default=0)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    tied = models.BooleanField("并列", default=False)
    prize = models.CharField("奖项", max_length=30, blank=True)
    submitted_at = models.DateTimeField("投稿时间", auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "作品"
        verbose_name_plural = "作品"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="entry_anchor_id"),
            models.Index(fields=["contest", "category", "phone_hash"], name="entry_person"),
            models.Index(fields=["contest", "status"], name="entry_contest_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class EntryImage(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="images")
    image = models.FileField("图片", upload_to="outreach/entries/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "作品图片"
        verbose_name_plural = "作品图片"
        ordering = ["entry", "position", "id"]

    def __str__(self) -> str:
        return self.image.name


class ContestJudge(models.Model):
    """A member of the contest's panel (a user of the platform)."""

    contest = models.ForeignKey(WorksContest, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评委", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评委"
        verbose_name_plural = "评委"
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="judge_once_per_contest"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.user_id}"


class JudgeAssignment(models.Model):
    """An entry given to a judge to score; a judge sees and scores only these."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评委", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="assignment_once"),
        ]
        indexes = [models.Index(fields=["judge", "entry"], name="assignment_judge")]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.judge_id}"


class Score(models.Model):
    assignment = models.OneToOneField(
        JudgeAssignment, on_delete=models.CASCADE, related_name="score"
    )
    value = models.DecimalField("评分", max_digits=5, decimal_places=2)
    comment = models.CharField("评语", max_length=300, blank=True)
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"

    def __str__(self) -> str:
        return str(self.value)
