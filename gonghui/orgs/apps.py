from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = "组织与单位"

    def ready(self) -> None:
        from gonghui.core.labels import labels_register
        from gonghui.core.selectors import home_part_register
        from gonghui.orgs.selectors import home_counts

        # The home page (工作台) shows the org and employer counts of the user's scope.
        home_part_register("counts", home_counts)
        from gonghui.orgs.models import (
            EnterpriseSize,
            EnterpriseStatus,
            Industry,
            OrgLevel,
            OrgStatus,
            OrgType,
        )

        # The audit-detail codes written by orgs/services.py and its exports.
        labels_register(
            keys={
                "from": "原上级",
                "to": "新上级",
                "from_id": None,
                "to_id": None,
                "reactivated": "恢复",
                "unverified": "待核实",
            },
            values={"what": {"orgs": "工会组织", "enterprises": "用人单位"}},
        )
        # The list filters their exports record.
        labels_register(
            what="orgs",
            keys={"type": "组织类型", "level": "层级"},
            values={"type": OrgType, "level": OrgLevel, "status": OrgStatus},
        )
        labels_register(
            what="enterprises",
            keys={"industry": "行业", "size": "规模", "has_union": "已建会"},
            values={
                "industry": Industry,
                "size": EnterpriseSize,
                "status": EnterpriseStatus,
                "has_union": {"1": "是", "0": "否"},
            },
        )
