"""Choices shared by the workforce sub-domains."""

from django.db import models

MODULE = "workforce"  # the module code in roles, scope and the menu


class ContestLevel(models.TextChoices):
    """The level of a competition or an honour. Above the county it is a record of an
    upper-level contest or honour our workers took part in or received."""

    ENTERPRISE = "enterprise", "企业级"
    SYSTEM = "system", "系统(行业)级"
    TOWNSHIP = "township", "乡镇(街道)级"
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "全国"


# Levels above the county: contests and honours we only record, never run.
UPPER_LEVELS = (ContestLevel.CITY, ContestLevel.PROVINCE, ContestLevel.NATIONAL)
LEVEL_ORDER = {level: index for index, level in enumerate(ContestLevel.values)}


class AppraisalResult(models.TextChoices):
    """出师考评 / yearly appraisal result."""

    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Channel(models.TextChoices):
    """How a record came in."""

    STAFF = "staff", "工作人员录入"
    IMPORT = "import", "表格导入"
    PORTAL = "portal", "职工手机提交"
