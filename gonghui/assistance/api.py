"""The assistance API: each sub-domain's router under its path (mounted by gonghui/api.py)."""

from gonghui.assistance.archives.api import router as archives_router
from gonghui.assistance.monitoring.api import alerts_router
from gonghui.assistance.monitoring.api import router as monitoring_router
from gonghui.assistance.programmes.api import router as programmes_router

ROUTERS = [
    ("/archives", archives_router),
    ("/programmes", programmes_router),
    ("/alerts", alerts_router),
    ("/monitoring", monitoring_router),
]
