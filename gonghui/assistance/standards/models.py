"""County figures the category depends on (*configurable* per county and year, DESIGN §4).

History is kept: setting a figure adds a row with the date it takes effect; rows are never
updated or deleted. The figure in force on a date is the row with the latest
`effective_from` on or before it (the later-recorded row wins a tie), so any past decision
can be re-explained with the figures in force then. `org` is the county federation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = [
    "AssistanceThresholds",
    "LivingAllowanceStandard",
]


class LivingAllowanceStandard(OrgOwned):
    """The county's minimum living standard (低保标准), yuan per person per month."""

    year = models.PositiveSmallIntegerField("年度")
    monthly_amount = models.DecimalField(
        "低保标准(元/人·月)",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    effective_from = models.DateField("执行日期")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "低保标准"
        verbose_name_plural = "低保标准"
        ordering = ["org", "-effective_from", "-id"]
        indexes = [models.Index(fields=["org", "effective_from"], name="allowance_org_from")]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gt=0), name="allowance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年低保标准 {self.monthly_amount} 元/月({self.effective_from} 起)"


class AssistanceThresholds(OrgOwned):
    """The multipliers and shares of DESIGN §4; defaults are the national rule of thumb.

    A county that never set its own uses an unsaved instance with these defaults
    (`AssistanceThresholds.defaults()`), and explanations say so.
    """

    effective_from = models.DateField("执行日期")
    deep_multiplier = models.DecimalField(
        "深度困难线(低保的倍数)", max_digits=4, decimal_places=2, default=Decimal("1")
    )
    relative_multiplier = models.DecimalField(
        "相对困难线(低保的倍数)", max_digits=4, decimal_places=2, default=Decimal("2")
    )
    accidental_cost_share = models.DecimalField(
        "意外致困：年刚性支出超过家庭年收入的比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.80"),
    )
    # Monitoring (收入临界预警): a household outside help is "near the line" when its income is
    # above the entry line (relative_multiplier × 低保) by at most this share of it.
    near_line_margin = models.DecimalField(
        "监测：收入临界幅度(高出相对困难线的比例)",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.20"),
    )
    spot_check_share = models.DecimalField(
        "年度抽查比例(不低于)", max_digits=4, decimal_places=2, default=Decimal("0.30")
    )
    exit_months = models.PositiveSmallIntegerField("连续不符合条件满几个月可解困脱困", default=6)
    watch_years = models.PositiveSmallIntegerField("脱困后监测年数", default=2)
    review_interval_months = models.PositiveSmallIntegerField("复核周期(月)", default=12)
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "帮扶标准参数"
        verbose_name_plural = "帮扶标准参数"
        ordering = ["org", "-effective_from", "-id"]
        indexes = [models.Index(fields=["org", "effective_from"], name="thresholds_org_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(deep_multiplier__gt=0)
                & Q(relative_multiplier__gte=models.F("deep_multiplier")),
                name="thresholds_multipliers_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"帮扶标准参数({self.effective_from} 起)"

    @classmethod
    def defaults(cls) -> "AssistanceThresholds":
        """The defaults as an unsaved row (pk None): used where a county set none."""
        return cls()

    @property
    def is_default(self) -> bool:
        return self.pk is None
