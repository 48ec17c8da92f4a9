"""The plans app's routers (added in gonghui/api.py)."""

from gonghui.plans.reform.api import agents_router as reform_agents_router
from gonghui.plans.reform.api import pilots_router as reform_pilots_router
from gonghui.plans.reform.api import router as reform_router
from gonghui.plans.targets.api import router as plans_router

__all__ = ["plans_router", "reform_agents_router", "reform_pilots_router", "reform_router"]
