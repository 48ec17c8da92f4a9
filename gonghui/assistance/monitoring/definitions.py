"""The monitoring vocabulary and the built-in rule set (DESIGN §4, 监测预警).

Pure data (no models): the migration that creates version 1 of each rule and the services
that add missing rules both read DEFAULT_RULES. Parameters are what a county admin may
change; a change is a new rule version (MonitoringRule rows are never updated in place
except to mark the superseded one), and a county may override them (RuleSetting).
"""

from django.db import models

from gonghui.assistance.choices import SchoolStage


class RuleCode(models.TextChoices):
    INCOME_NEAR_LINE = "income_near_line", "收入临界"
    MEDICAL_COST = "medical_cost", "大额医疗自付"
    SCHOOLING_COST = "schooling_cost", "大额教育支出"
    DISASTER = "disaster", "灾害或意外事故"
    JOB_LOSS = "job_loss", "失业"
    REVIEW_OVERDUE = "review_overdue", "年度复核逾期"
    EXITED_ADVERSE = "exited_adverse", "脱困监测期新风险"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


RISK_ORDER = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处置"
    CLOSED = "closed", "已办结"


class AlertOutcome(models.TextChoices):
    ARCHIVED = "archived", "已纳入建档帮扶"
    HELPED = "helped", "已实施帮扶"
    NO_ACTION = "no_action", "经核实无需帮扶"


class RunTrigger(models.TextChoices):
    SCHEDULED = "scheduled", "定时"
    ON_DEMAND = "on_demand", "手动"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class FactSource(models.TextChoices):
    MANUAL = "manual", "人工登记"
    IMPORT = "import", "名单导入"
    VISIT = "visit", "走访发现"
    PORTAL = "portal", "职工申报"
    API = "api", "接口推送"
    OUTREACH = "outreach", "服务职工进基层跟踪回访"


class CareKind(models.TextChoices):
    INPATIENT = "inpatient", "住院"
    OUTPATIENT = "outpatient", "门诊"


class DisasterKind(models.TextChoices):
    FLOOD = "flood", "洪涝"
    TYPHOON = "typhoon", "台风"
    EARTHQUAKE = "earthquake", "地震"
    FIRE = "fire", "火灾"
    DROUGHT = "drought", "干旱"
    TRAFFIC = "traffic", "交通事故"
    WORK_INJURY = "work_injury", "工伤事故"
    OTHER_ACCIDENT = "other_accident", "其他意外事故"
    OTHER = "other", "其他灾害"


# Schooling costs count for non-compulsory education only (义务教育 is free: 小学, 初中).
NON_COMPULSORY_STAGES = (
    SchoolStage.PRESCHOOL,
    SchoolStage.SENIOR,
    SchoolStage.VOCATIONAL,
    SchoolStage.COLLEGE,
    SchoolStage.UNDERGRADUATE,
    SchoolStage.POSTGRADUATE,
)
COMPULSORY_STAGES = (SchoolStage.PRIMARY, SchoolStage.JUNIOR)
SCHOOLING_STAGE_CHOICES = [c for c in SchoolStage.choices if c[0] in NON_COMPULSORY_STAGES]

# Working days to deal with an alert, by risk level (a rule may set its own).
DEFAULT_DEADLINE_DAYS = {"high": 3, "medium": 7, "low": 15}

DEFAULT_RULES = [
    {
        "code": RuleCode.INCOME_NEAR_LINE,
        "name": "收入临界预警",
        "description": (
            "系统中有记录但未纳入帮扶的家庭(申请后经核实未予建档、已解困脱困或脱困监测中)，"
            "人均月净收入已达到建档线(本县现行低保标准 × 相对困难线倍数，默认 2 倍)、"
            "但高出不超过规定幅度(本县帮扶标准参数中的“收入临界幅度”，默认 20%)，"
            "即稍有变故就可能陷入困难的边缘家庭。人均月净收入 =(家庭年可支配收入 − 医疗、"
            "教育、残疾康复刚性支出)÷ 12 ÷ 家庭人口。"
        ),
        "parameters": {"risk": "medium"},
    },
    {
        "code": RuleCode.MEDICAL_COST,
        "name": "大额医疗自付预警",
        "description": (
            "近一年住院自付医疗费用累计：已脱困或脱困监测中的家庭达到 5,000 元、其他家庭和"
            "会员达到 20,000 元；或近 30 天门诊自付费用达到 500 元。"
        ),
        "parameters": {
            "window_days": 365,
            "inpatient_exited": 5000,
            "inpatient_other": 20000,
            "outpatient_window_days": 30,
            "outpatient_month": 500,
            "risk": "high",
            "outpatient_risk": "medium",
        },
    },
    {
        "code": RuleCode.SCHOOLING_COST,
        "name": "大额教育支出预警",
        "description": (
            "近一年(默认 365 天)登记或导入的非义务教育阶段(学前、高中、中职、高职、本科、"
            "研究生)教育支出累计达到 10,000 元，对象为任何在册会员或困难职工家庭；"
            "或困难职工档案中登记的家庭年教育刚性支出达到 10,000 元。"
        ),
        "parameters": {"yearly": 10000, "days": 365, "risk": "medium"},
    },
    {
        "code": RuleCode.DISASTER,
        "name": "灾害或意外事故预警",
        "description": (
            "近期(默认 30 天)登记或导入了自然灾害、意外事故记录；损失达到规定金额为高风险。"
        ),
        "parameters": {"days": 30, "high_loss": 10000, "risk": "medium"},
    },
    {
        "code": RuleCode.JOB_LOSS,
        "name": "失业预警",
        "description": "近期(默认 60 天)登记了失业(下岗、裁员、停工)报告。",
        "parameters": {"days": 60, "risk": "medium"},
    },
    {
        "code": RuleCode.REVIEW_OVERDUE,
        "name": "年度复核逾期预警",
        "description": "在档家庭超过下次复核截止日期仍未复核；逾期超过规定天数为中风险。",
        "parameters": {"medium_after_days": 90, "risk": "low"},
    },
    {
        "code": RuleCode.EXITED_ADVERSE,
        "name": "脱困监测期新风险预警",
        "description": (
            "已脱困或脱困监测中的家庭在监测期内，脱困后新登记了医疗支出、灾害或意外事故、"
            "失业中的任何一项。"
        ),
        "parameters": {"risk": "high"},
    },
]
for _rule in DEFAULT_RULES:
    _rule["parameters"].setdefault("deadline_days", dict(DEFAULT_DEADLINE_DAYS))

PARAMETER_LABELS = {
    "multiplier": "收入临界倍数(留空采用本县帮扶标准参数)",
    "high_multiplier": "高风险倍数(人均月净收入不高于低保的该倍数)",
    "window_days": "住院费用统计天数",
    "inpatient_exited": "脱困家庭住院自付阈值(元)",
    "inpatient_other": "其他家庭住院自付阈值(元)",
    "outpatient_window_days": "门诊费用统计天数",
    "outpatient_month": "门诊自付阈值(元)",
    "outpatient_risk": "仅门诊触发时的风险等级",
    "yearly": "年教育支出阈值(元)",
    "days": "回溯天数",
    "high_loss": "高风险损失金额(元)",
    "medium_after_days": "逾期多少天升为中风险",
    "risk": "风险等级",
    "deadline_days": "办理时限(工作日，按风险等级)",
    "quiet_days": "办结后静默天数",
}


def parameters_display(parameters: dict) -> list[tuple[str, str]]:
    """(Chinese label, text) for a rule's parameters, for pages."""
    rows = []
    for key, value in parameters.items():
        if key == "deadline_days" and isinstance(value, dict):
            text = " / ".join(
                f"{RiskLevel(k).label} {value[k]}" for k in ("high", "medium", "low") if k in value
            )
            text += " 个工作日"
        elif key in ("risk", "outpatient_risk") and value in RiskLevel.values:
            text = f"{RiskLevel(value).label}风险"
        elif value is None:
            text = "采用本县帮扶标准参数"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = f"{value:,}"
        else:
            text = str(value)
        rows.append((PARAMETER_LABELS.get(key, "其他参数"), text))
    return rows
