"""Union organisation tree and employers (DESIGN §2)."""

from django.db import models

from gonghui.core.fields import EncryptedTextField, KeyedHashField
from gonghui.core.models import TimeStamped


class OrgType(models.TextChoices):
    FEDERATION = "federation", "总工会"
    TOWNSHIP = "township", "乡镇(街道)工会"
    PARK = "park", "园区工会"
    COMMUNITY = "community", "村(社区)工会"
    ENTERPRISE = "enterprise", "企业工会"
    JOINT = "joint", "联合工会"
    INDUSTRY = "industry", "行业工会"
    INSTITUTION = "institution", "机关事业单位工会"


class OrgLevel(models.IntegerChoices):
    NATIONAL = 1, "全国"
    PROVINCE = 2, "省级"
    CITY = 3, "市级"
    COUNTY = 4, "县级"
    TOWNSHIP = 5, "乡镇(街道、园区)级"
    GRASSROOTS = 6, "基层"
    SUB_UNIT = 7, "分工会/车间工会"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    INACTIVE = "inactive", "已撤销"


# What a worker or a report calls a 乡镇(街道): a township-level union of a place (乡镇、街道、
# 园区). An industry or joint union at the same level covers a trade, not a place: it is never
# offered as one (pickers, a site's township, the holding pool of joining).
TOWNSHIP_TYPES: tuple[str, ...] = (OrgType.TOWNSHIP, OrgType.PARK)


def township_q(prefix: str = "") -> models.Q:
    """Filter for township orgs of a place; `prefix` for a relation ("township__")."""
    return models.Q(**{f"{prefix}level": OrgLevel.TOWNSHIP, f"{prefix}type__in": TOWNSHIP_TYPES})


class OrgQuerySet(models.QuerySet):
    def active(self) -> "OrgQuerySet":
        """The orgs not deactivated (撤销)."""
        return self.filter(status=OrgStatus.ACTIVE)


class Org(TimeStamped):
    """A union organisation. `path` is the materialised path of ids, e.g. "/1/5/23/"."""

    name = models.CharField("组织名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("组织编码", max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False)
    # The topmost ancestor-or-self at township level or below (乡镇/街道/园区 or a unit
    # directly under the county); NULL for the county and above. Org-owned rows copy it
    # so a township-level scope is one indexed equality instead of a subtree probe.
    anchor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    type = models.CharField("组织类型", max_length=20, choices=OrgType.choices)
    level = models.PositiveSmallIntegerField("层级", choices=OrgLevel.choices)
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    deactivated_at = models.DateTimeField("撤销时间", null=True, blank=True)
    deactivation_reason = models.CharField("撤销原因", max_length=200, blank=True)
    chair_name = models.CharField("工会主席", max_length=50, blank=True)
    contact_phone = models.CharField("办公电话", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="org_parent_name"),
            models.Index(fields=["division_code"], name="org_division"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def is_township(self) -> bool:
        """A 乡镇(街道) (see TOWNSHIP_TYPES)."""
        return self.level == OrgLevel.TOWNSHIP and self.type in TOWNSHIP_TYPES

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_descendant_of(self, other: "Org") -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


class OrgOwned(TimeStamped):
    """Every record belongs to an org; scope is applied through this field.

    `org_anchor` mirrors `org.anchor` (see Org.anchor) so the commonest scope, a
    township's subtree, is an equality on an (org_anchor, id) index that each concrete
    model declares. It is kept in step here on save, by `org_anchor_sync` after org
    moves, and must be set by any bulk writer (`with_org_anchor`).
    """

    org = models.ForeignKey(
        "orgs.Org", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+"
    )
    org_anchor = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Denormalised copy, not business logic: the row must always match its org.
        self.org_anchor_id = self.org.anchor_id if self.org_id else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "org" in update_fields:
            kwargs["update_fields"] = {*update_fields, "org_anchor"}
        super().save(*args, **kwargs)


def with_org_anchor(instances):
    """Fill org_anchor on instances about to be bulk-created (bulk_create skips save())."""
    org_ids = {obj.org_id for obj in instances}
    anchors = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "anchor_id"))
    for obj in instances:
        obj.org_anchor_id = anchors.get(obj.org_id)
    return instances


class EnterpriseSize(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class EconomicType(models.TextChoices):
    STATE = "state", "国有"
    COLLECTIVE = "collective", "集体"
    PRIVATE = "private", "私营"
    FOREIGN = "foreign", "外商投资"
    HMT = "hmt", "港澳台投资"
    INDIVIDUAL = "individual", "个体工商户"
    OTHER = "other", "其他"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CLOSED = "closed", "注销/关闭"


class Enterprise(OrgOwned):
    """An employer. `org` is the union that covers it (its own union, or the township's).

    An employer named in an import (a member roster's 工作单位) that matched no registered one
    may be created unverified (`verified=False`, 待核实): only its name and covering union
    are known, so its credit code, industry and size are empty until someone completes the
    record (enterprise_update then marks it verified; its credit code is NULL until then).
    """

    name = models.CharField("单位名称", max_length=150)
    # NULL only on an unverified employer (NULLs never clash in the unique index).
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, null=True, blank=True
    )
    industry = models.CharField("行业", max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField("规模", max_length=10, choices=EnterpriseSize.choices, blank=True)
    economic_type = models.CharField(
        "经济类型", max_length=12, choices=EconomicType.choices, default=EconomicType.PRIVATE
    )
    employee_count = models.PositiveIntegerField("职工人数", default=0)
    has_union = models.BooleanField("已建会", default=False)
    union = models.ForeignKey(
        Org,
        verbose_name="本单位工会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises_own",
    )
    division_code = models.CharField("所在行政区划代码", max_length=12, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    contact_phone_hash = KeyedHashField(
        source="contact_phone", byte_order=False, blank=True, db_index=True
    )
    status = models.CharField(
        "状态", max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    # False: created from an import by name only, to be completed and verified (待核实).
    # db_default too: bulk loaders that list their columns (bench/scope.py) need not know it.
    verified = models.BooleanField("已核实", default=True, db_default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="enterprise_org_id"),
            models.Index(fields=["org_anchor", "id"], name="enterprise_anchor_id"),
            models.Index(fields=["name"], name="enterprise_name"),
        ]

    def __str__(self) -> str:
        return self.name
