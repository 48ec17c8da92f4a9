from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "gonghui.sites"
    label = "sites"
    verbose_name = "服务阵地"
