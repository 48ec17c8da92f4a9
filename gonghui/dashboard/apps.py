from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "gonghui.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"

    def ready(self) -> None:
        from gonghui.core.labels import labels_register
        from gonghui.dashboard.returns.models import ReturnStatus

        labels_register(
            keys={
                "return_items": "手工填报的年报项目(代码)",
                "annual_return": "统计年报(编号)",
                "returns_issued": "下发的基层工会调查表(份)",
            },
            values={"what": {"annual_return": "工会统计年报"}},
        )
        labels_register(
            what="annual_return", keys={"status": "状态"}, values={"status": ReturnStatus}
        )
