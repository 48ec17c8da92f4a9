"""The vocabulary of hardship archives (DESIGN §4, national archive form).

Kept outside the models package so the pure calculation (category.py) can use it
without touching the database layer.
"""

from django.db import models


class HardshipCategory(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENTAL = "accidental", "意外致困"
    # The entry test is not met: an application not (yet) qualifying, or a household that
    # has recovered. Stored so the income history shows when the test stopped being met.
    NONE = "none", "未达困难标准"


# Categories that meet the entry test (建档条件).
QUALIFYING_CATEGORIES = (
    HardshipCategory.DEEP,
    HardshipCategory.RELATIVE,
    HardshipCategory.ACCIDENTAL,
)


class HardshipCause(models.TextChoices):
    """The ten cause codes of the national form (main cause + up to three secondary)."""

    LOST_WORK_ABILITY = "lost_work_ability", "丧失劳动能力"
    UNEMPLOYED = "unemployed", "有劳动能力但失业"
    LAID_OFF = "laid_off", "下岗"
    NO_SOCIAL_INSURANCE = "no_social_insurance", "无社保"
    INSURANCE_UNPAID = "insurance_unpaid", "社保待遇未落实"
    SERIOUS_ILLNESS = "serious_illness", "大病"
    NATURAL_DISASTER = "natural_disaster", "自然灾害"
    ACCIDENT = "accident", "意外事故"
    CHILD_SCHOOLING = "child_schooling", "子女就学"
    OTHER = "other", "其他"


# Causes that make a household 意外致困 by themselves (DESIGN §4).
ACCIDENTAL_CAUSES = (HardshipCause.NATURAL_DISASTER, HardshipCause.ACCIDENT)
MAX_SECONDARY_CAUSES = 3


class ArchiveStatus(models.TextChoices):
    """Lifecycle (DESIGN §4). See lifecycle.py for the allowed transitions."""

    APPLIED = "applied", "已申请"
    GRASSROOTS_CHECKED = "grassroots_checked", "基层已核实"
    VISITED = "visited", "已入户核查"
    APPROVED = "approved", "县总已审批"
    ARCHIVED = "archived", "在档"
    EXITED = "exited", "已解困脱困"
    WATCHED = "watched", "脱困监测中"
    REJECTED = "rejected", "未予建档"


# Archives that are "live" for the one-per-household rule: every status but rejected.
# An exited or watched household that falls back into hardship is reopened (返困), never
# given a second archive.
HOUSEHOLD_HOLDING_STATUSES = tuple(s for s in ArchiveStatus.values if s != ArchiveStatus.REJECTED)
# Households currently receiving help (在档): counted as 存量 in statistics.
OPEN_STATUSES = (
    ArchiveStatus.APPLIED,
    ArchiveStatus.GRASSROOTS_CHECKED,
    ArchiveStatus.VISITED,
    ArchiveStatus.APPROVED,
    ArchiveStatus.ARCHIVED,
)


class ApplicationSource(models.TextChoices):
    UNION = "union", "工会代为申请"
    PORTAL = "portal", "职工网上申请"
    IMPORT = "import", "批量导入"


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", "健康"
    WEAK = "weak", "体弱多病"
    CHRONIC = "chronic", "患慢性病"
    SERIOUS = "serious", "患大病"


class DisabilityLevel(models.TextChoices):
    NONE = "none", "无残疾"
    LEVEL1 = "level1", "一级残疾"
    LEVEL2 = "level2", "二级残疾"
    LEVEL3 = "level3", "三级残疾"
    LEVEL4 = "level4", "四级残疾"


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", "在岗"
    FLEXIBLE = "flexible", "灵活就业"
    UNEMPLOYED = "unemployed", "失业"
    LAID_OFF = "laid_off", "下岗"
    RETIRED = "retired", "退休"
    UNABLE = "unable", "丧失劳动能力"


class Housing(models.TextChoices):
    OWNED = "owned", "自有住房"
    RENTED = "rented", "租住私房"
    PUBLIC = "public", "公租房/廉租房"
    LODGING = "lodging", "借住亲友"
    DORMITORY = "dormitory", "单位宿舍"
    NONE = "none", "无固定住所"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    PARENT_IN_LAW = "parent_in_law", "岳父母/公婆"
    SIBLING = "sibling", "兄弟姐妹"
    GRANDCHILD = "grandchild", "孙子女/外孙子女"
    GRANDPARENT = "grandparent", "祖父母/外祖父母"
    OTHER = "other", "其他"


class SchoolStage(models.TextChoices):
    NONE = "none", "不在学"
    PRESCHOOL = "preschool", "学前教育"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"
    COLLEGE = "college", "高职(专科)"
    UNDERGRADUATE = "undergraduate", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", "证明材料"
    PHOTO = "photo", "照片"
    AUTHORISATION = "authorisation", "签字授权书"


class StepAction(models.TextChoices):
    """What an ArchiveStep records; transitions and the edits that matter for the trail."""

    APPLY = "apply", "提出申请"
    CHECK = "check", "基层核实"
    VISIT = "visit", "入户核查"
    APPROVE = "approve", "县总审批"
    FILE = "file", "建档"
    REJECT = "reject", "不予建档"
    REVIEW = "review", "复核"
    EXIT = "exit", "解困脱困"
    WATCH = "watch", "纳入脱困监测"
    RELAPSE = "relapse", "返困"
    UPDATE = "update", "修改信息"
    HOUSEHOLD = "household", "家庭成员变更"
    ATTACH = "attach", "上传附件"
    OUTREACH = "outreach", "服务职工进基层登记"
    EMPLOYMENT = "employment", "实现就业"


class ReviewKind(models.TextChoices):
    YEARLY = "yearly", "年度复核"
    SPOT = "spot", "抽查"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "仍符合条件，继续帮扶"
    RECATEGORISED = "recategorised", "仍符合条件，困难类别调整"
    NOT_ELIGIBLE = "not_eligible", "已不符合建档条件"


class AssessmentSource(models.TextChoices):
    """Why a category calculation was recorded."""

    APPLY = "apply", "申请"
    UPDATE = "update", "修改信息"
    APPROVE = "approve", "审批"
    REVIEW = "review", "复核"
    RELAPSE = "relapse", "返困"
    EXIT = "exit", "解困脱困"
    IMPORT = "import", "导入"
