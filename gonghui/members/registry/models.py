"""The member registry (DESIGN §4 "Members and online joining", 总工办发〔2017〕14号 real-name record)."""

__all__ = [
    "Gender",
    "Ethnicity",
    "Education",
    "SkillLevel",
    "HukouType",
    "PoliticalStatus",
    "EmploymentForm",
    "NEW_EMPLOYMENT_FORMS",
    "MemberStatus",
    "MEMBER_REQUIRED",
    "MEMBER_DEFAULTS",
    "MEMBER_TO_COMPLETE",
    "member_to_complete",
    "member_incomplete_q",
    "Member",
    "CardNumberSequence",
    "EventKind",
    "MembershipEvent",
]

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from gonghui.core.fields import ByteOrderCharField, EncryptedTextField, KeyedHashField
from gonghui.orgs.models import OrgOwned


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Ethnicity(models.TextChoices):
    """The 56 民族, GB/T 3304 codes."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KYRGYZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EVENK = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"


class Education(models.TextChoices):
    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专/中技/技校"
    HIGH = "high", "高中"
    JUNIOR = "junior", "初中"
    PRIMARY = "primary", "小学及以下"


class SkillLevel(models.TextChoices):
    NONE = "none", "无"
    LEVEL5 = "level5", "初级工(五级)"
    LEVEL4 = "level4", "中级工(四级)"
    LEVEL3 = "level3", "高级工(三级)"
    LEVEL2 = "level2", "技师(二级)"
    LEVEL1 = "level1", "高级技师(一级)"
    PRINCIPAL = "principal", "特级技师/首席技师"


class HukouType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农业"


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    DEMOCRATIC = "democratic", "民主党派"
    INDEPENDENT = "independent", "无党派人士"
    MASSES = "masses", "群众"


class EmploymentForm(models.TextChoices):
    """Standard employment, flexible employment, and the new employment forms (DESIGN §4)."""

    STANDARD = "standard", "单位职工(标准劳动关系)"
    FLEXIBLE = "flexible", "灵活就业"
    TRUCK_DRIVER = "truck_driver", "货车司机"
    COURIER = "courier", "快递员"
    CAREGIVER = "caregiver", "护工护理员"
    DOMESTIC = "domestic", "家政服务员"
    MALL_INFO = "mall_info", "商场信息员"
    FOOD_DELIVERY = "food_delivery", "网约送餐员"
    REALTY_AGENT = "realty_agent", "房产中介员"
    SECURITY_GUARD = "security_guard", "保安员"
    RIDE_HAILING = "ride_hailing", "网约车司机"


# The eight groups of new-employment-form workers (八大群体) plus ride-hailing drivers.
NEW_EMPLOYMENT_FORMS = (
    EmploymentForm.TRUCK_DRIVER,
    EmploymentForm.COURIER,
    EmploymentForm.CAREGIVER,
    EmploymentForm.DOMESTIC,
    EmploymentForm.MALL_INFO,
    EmploymentForm.FOOD_DELIVERY,
    EmploymentForm.REALTY_AGENT,
    EmploymentForm.SECURITY_GUARD,
    EmploymentForm.RIDE_HAILING,
)


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    DEACTIVATED = "deactivated", "已退会"


# --- what a member record must have: one rule for the form, the API and the imports --------
# (tests/test_member_rule.py checks that all three follow it.)

# Refused without these: the union, the name and the ID number (gender and birth date are
# read from the ID number).
MEMBER_REQUIRED = ("org", "name", "id_number")
# Missing, these take the same value wherever a member is registered.
MEMBER_DEFAULTS = {
    "ethnicity": Ethnicity.HAN,
    "skill_level": SkillLevel.NONE,
    "political_status": PoliticalStatus.MASSES,
    "employment_form": EmploymentForm.STANDARD,
    "is_migrant_worker": False,
}
# The record may lack these for a while (a union's roster rarely has them all): they stay
# empty and the member is listed as 信息待补全 with what to complete, never refused.
# `employer_name` is a 工作单位 kept as text because it matched no registered employer: to
# complete it, link the member to a registered (or newly registered) employer.
MEMBER_TO_COMPLETE = {
    "hukou_type": "户籍类型",
    "joined_on": "入会日期",
    "employer_name": "工作单位(关联到已登记的用人单位)",
}
# Everything else (phone, education, hukou place, employer) is optional and empty when missing.


def member_to_complete(*, hukou_type, joined_on, employer_id, employer_name) -> list[str]:
    """The labels of what a member's record lacks (MEMBER_TO_COMPLETE), in its order."""
    missing = {
        "hukou_type": not hukou_type,
        "joined_on": joined_on is None,
        "employer_name": bool(employer_name) and employer_id is None,
    }
    return [label for field, label in MEMBER_TO_COMPLETE.items() if missing[field]]


def member_incomplete_q() -> Q:
    """The members member_to_complete lists anything for, as a filter (信息待补全)."""
    return (
        Q(hukou_type="")
        | Q(joined_on__isnull=True)
        | (~Q(employer_name="") & Q(employer__isnull=True))
    )


class Member(OrgOwned):
    """A union member's real-name record.

    Member card number (会员卡号), 15 characters, issued once on joining and never reused:
    ``DDDDDD`` the GB/T 2260 division code of the issuing county (the first 6 digits of the
    nearest org up the tree that has a division code; ``000000`` when none has), then
    ``NNNNNNNN`` an 8-digit sequence per county prefix (CardNumberSequence), then one check
    character, ISO 7064 MOD 11-2 over the 14 digits (0–9 or X, the same scheme as the ID
    number), e.g. ``339901000012345`` + check. See services.card_numbers_issue.

    One person (one ID number) is an active member of one union at a time across the
    installation: `id_number_hash` is unique among active rows. A deactivated (退会) record is
    kept with its history; re-joining creates a new record and a new card.
    """

    # As on OrgOwned, without the single-column index: member_org_id (org, id) serves the
    # same lookups, and every import writes each index once per row.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # As on OrgOwned, without the foreign-key constraint: the anchor is `org` or one of its
    # ancestors, and an org that has children or records cannot be deleted (org_delete), so
    # the org constraint already guarantees it; a second check per row costs every import.
    org_anchor = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    # Unique through Meta.constraints: a unique=True varchar gets a second, LIKE-only index
    # on PostgreSQL that the byte-order collation makes unnecessary.
    card_number = ByteOrderCharField("会员卡号", max_length=15, editable=False)
    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField(max_length=120, editable=False)  # "zhangsan"
    name_initials = models.CharField(max_length=30, editable=False)  # "zs"
    # "张 三 张三": see services.name_grams (a GIN index on PostgreSQL, migration 0004).
    name_grams = models.CharField(max_length=400, editable=False, default="")
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField(
        "民族", max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    id_number = EncryptedTextField("身份证号")
    id_number_hash = KeyedHashField(source="id_number")
    id_last4 = ByteOrderCharField(max_length=4, editable=False)
    phone = EncryptedTextField("手机号码", blank=True)
    phone_hash = KeyedHashField(source="phone", blank=True)
    phone_last4 = ByteOrderCharField(max_length=4, blank=True, editable=False)
    education = models.CharField("学历", max_length=12, choices=Education.choices, blank=True)
    skill_level = models.CharField(
        "技能等级", max_length=12, choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    # Empty, like joined_on and an unlinked employer_name: 信息待补全 (MEMBER_TO_COMPLETE).
    hukou_type = models.CharField("户籍类型", max_length=8, choices=HukouType.choices, blank=True)
    hukou_place = models.CharField("户籍所在地", max_length=100, blank=True)
    political_status = models.CharField(
        "政治面貌",
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # The 工作单位 as a roster wrote it, when it matched no registered employer (kept so the
    # member can be linked later); empty once `employer` is set. db_default: bulk loaders
    # that list their columns (bench/member_list.py) need not know it.
    employer_name = models.CharField(
        "工作单位(未关联)", max_length=150, blank=True, default="", db_default=""
    )
    is_migrant_worker = models.BooleanField("农民工", default=False)
    employment_form = ByteOrderCharField(
        "就业形态",
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.STANDARD,
    )
    joined_on = models.DateField("入会日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    deactivated_on = models.DateField("退会日期", null=True, blank=True)
    deactivation_reason = models.CharField("退会原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="member_anchor_id"),
            models.Index(fields=["org", "id"], name="member_org_id"),
            # A county's member figures come from tallies (gonghui.core.tallies); the days of a
            # period outside its whole months are counted from the members by this index.
            models.Index(fields=["joined_on"], name="member_joined_on"),
            models.Index(
                fields=["name_pinyin"],
                name="member_pinyin_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_initials"],
                name="member_initials_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # card_number prefix search: the unique index (byte-order collation).
            models.Index(fields=["id_last4"], name="member_id_last4"),
            models.Index(fields=["phone_last4"], name="member_phone_last4"),
            models.Index(fields=["phone_hash"], name="member_phone_hash"),
            # A township's list filtered by form, or by migrant + joined year, deep pages
            # included (bench/member_list.py, page 50: 52 -> 21 ms and 87 -> 20 ms).
            models.Index(fields=["org_anchor", "employment_form", "id"], name="member_anchor_form"),
            models.Index(
                fields=["org_anchor", "is_migrant_worker", "joined_on"],
                name="member_anchor_migrant_joined",
            ),
            # The 信息待补全 filter: only incomplete records are in it, so complete ones
            # (every row of a full roster) cost an import nothing here.
            models.Index(
                fields=["org_anchor", "id"],
                name="member_anchor_incomplete",
                condition=member_incomplete_q(),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["card_number"], name="member_card_number_unique"),
            # One index for both jobs: unique over (ID, true) for the active record and
            # (ID, NULL) for deactivated ones, which never clash (NULLs are distinct), and
            # every lookup by ID, whatever the status, reads its leading column. (A partial
            # unique index beside a plain one cost each import a second index per row.)
            models.UniqueConstraint(
                F("id_number_hash"),
                Case(When(status="active", then=Value(True)), output_field=models.BooleanField()),
                name="member_one_active_per_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.card_number})"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def is_new_employment_form(self) -> bool:
        return self.employment_form in NEW_EMPLOYMENT_FORMS

    @property
    def to_complete(self) -> list[str]:
        """What this record lacks (信息待补全), as labels; empty when complete."""
        return member_to_complete(
            hukou_type=self.hukou_type,
            joined_on=self.joined_on,
            employer_id=self.employer_id,
            employer_name=self.employer_name,
        )


class CardNumberSequence(models.Model):
    """The last member card sequence issued under a county division-code prefix."""

    prefix = models.CharField(max_length=6, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "会员卡号序列"
        verbose_name_plural = "会员卡号序列"

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class EventKind(models.TextChoices):
    JOINED = "joined", "入会"
    UPDATED = "updated", "信息变更"
    TRANSFERRED = "transferred", "会籍转移"
    DEACTIVATED = "deactivated", "退会"


class MembershipEvent(models.Model):
    """One line of a member's history; `org` is the member's union at that moment."""

    # No single-column index: membership_event_member_at (member, at) serves member lookups.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField("事项", max_length=12, choices=EventKind.choices)
    # `org` and `by` without database constraints, as Member.org_anchor: an import writes an
    # event per member, and the server's per-row checks of these two keys cost it about as
    # much as the event rows themselves. Both are copied from rows just read (the member's
    # org, the acting user); deleting an org or a user goes through the ORM, which still
    # applies PROTECT and SET_NULL (tests/test_services.py).
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属工会",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "会籍记录"
        verbose_name_plural = "会籍记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["member", "at"], name="membership_event_member_at")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()}"
