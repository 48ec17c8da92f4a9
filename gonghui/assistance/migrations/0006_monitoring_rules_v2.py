# Built-in rule definitions revised by issue 21 (DESIGN §4, corrected):
# - income_near_line: v1 flagged households at or below 1.5 × 低保, which lies inside the entry
#   test itself (相对困难 is below 2 × 低保), so it never found a household outside help. Now: a
#   household the system knows but does not help (rejected application, exited household)
#   whose per-capita income is above the entry line by at most the county's margin (20%).
# - schooling_cost: also fires on schooling costs recorded as facts for any member.
# Each becomes a new version (max + 1: a county admin may have added versions); the old one
# stays, with its description, for the alerts it raised. Parameters an admin set that the new
# definition still has (risk, deadlines, the yearly line) carry over.
from django.db import migrations

DEFINITIONS = {
    "income_near_line": {
        "name": "收入临界预警",
        "description": "系统中有记录但未纳入帮扶的家庭(申请后经核实未予建档、已解困脱困或脱困监测中)，人均月净收入已达到建档线(本县现行低保标准 "
        "× 相对困难线倍数，默认 2 倍)、但高出不超过规定幅度(本县帮扶标准参数中的“收入临界幅度”，默认 "
        "20%)，即稍有变故就可能陷入困难的边缘家庭。人均月净收入 =(家庭年可支配收入 − "
        "医疗、教育、残疾康复刚性支出)÷ 12 ÷ 家庭人口。",
        "parameters": {"risk": "medium", "deadline_days": {"high": 3, "medium": 7, "low": 15}},
    },
    "schooling_cost": {
        "name": "大额教育支出预警",
        "description": "近一年(默认 365 天)登记或导入的非义务教育阶段(学前、高中、中职、高职、本科、研究生)教育支出累计达到 "
        "10,000 元，对象为任何在册会员或困难职工家庭；或困难职工档案中登记的家庭年教育刚性支出达到 10,000 "
        "元。",
        "parameters": {
            "yearly": 10000,
            "days": 365,
            "risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
}
NOTES = {
    "income_near_line": "规则定义更新：改为监测未纳入帮扶、人均收入略高于建档线的家庭",
    "schooling_cost": "规则定义更新：计入为任何会员或困难家庭登记、导入的教育支出",
}


def _outdated(code: str, parameters: dict) -> bool:
    if code == "income_near_line":
        return "multiplier" in parameters or "high_multiplier" in parameters
    return "days" not in parameters


def rules_upgrade(apps, schema_editor):
    MonitoringRule = apps.get_model("assistance", "MonitoringRule")
    for code, new in DEFINITIONS.items():
        current = MonitoringRule.objects.filter(code=code, is_current=True).first()
        if current is None or not _outdated(code, current.parameters):
            continue  # none yet (created current on first use) or already upgraded
        kept = {
            k: v
            for k, v in current.parameters.items()
            if k in new["parameters"] or k == "quiet_days"
        }
        top = max(MonitoringRule.objects.filter(code=code).values_list("version", flat=True))
        MonitoringRule.objects.filter(pk=current.pk).update(is_current=False)
        MonitoringRule.objects.create(
            code=code,
            version=top + 1,
            name=new["name"],
            description=new["description"],
            parameters={**new["parameters"], **kept},
            is_current=True,
            note=NOTES[code],
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0005_monitoring_facts")]

    operations = [migrations.RunPython(rules_upgrade, migrations.RunPython.noop)]
