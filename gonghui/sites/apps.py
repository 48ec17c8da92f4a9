from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "gonghui.sites"
    label = "sites"
    verbose_name = "服务阵地"

    def ready(self) -> None:
        from gonghui.sites import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by sites/services.py and its exports."""
    from gonghui.core.labels import labels_register
    from gonghui.sites.models import Facility, FeedbackKind, MapLayerKind, SiteKind, SiteStatus

    labels_register(
        keys={
            "site_code": "站点编码",
            "photo_added": "添加照片(编号)",
            "photo_removed": "删除照片(编号)",
            "answered": "已答复",
            "closed": "已关闭",
            "features": "要素数",
            "radius_m": "覆盖半径(米)",
        },
        values={
            "kind": {
                **dict(SiteKind.choices),
                **dict(FeedbackKind.choices),
                **dict(MapLayerKind.choices),
            },
            "status": SiteStatus,
            "what": {"sites": "服务阵地", "site_stats": "阵地统计"},
        },
        pairs=["status", "radius_m"],
    )
    # The list filters the site export records.
    labels_register(
        what="sites",
        keys={"facility": "设施", "township": "乡镇(编号)", "open_now": "正在开放"},
        values={"facility": Facility, "open_now": {"1": "是"}},
    )
