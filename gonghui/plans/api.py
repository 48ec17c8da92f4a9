"""The plans app's routers (added in gonghui/api.py)."""

from gonghui.plans.reform.api import router as reform_router
from gonghui.plans.targets.api import router as plans_router

__all__ = ["plans_router", "reform_router"]
