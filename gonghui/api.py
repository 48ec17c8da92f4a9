"""The JSON API (/api/v1/). Each app contributes a router; the shared machinery
(auth, the one error shape, pagination) lives in gonghui.core.api."""

from gonghui.accounts.api import me_router
from gonghui.accounts.api import router as accounts_router
from gonghui.assistance.api import ROUTERS as assistance_routers
from gonghui.audit.api import router as audit_router
from gonghui.core.api import GonghuiAPI
from gonghui.dashboard.api import dashboard_router, measures_router
from gonghui.forum.api import router as forum_router
from gonghui.members.api import router as members_router
from gonghui.members.joining.api import router as join_router
from gonghui.orgs.api import enterprise_router
from gonghui.orgs.api import router as orgs_router
from gonghui.outreach.api import router as outreach_router
from gonghui.plans.api import (
    plans_router,
    reform_agents_router,
    reform_pilots_router,
    reform_router,
)
from gonghui.rights.api import router as rights_router
from gonghui.sites.api import router as sites_router
from gonghui.sites.public.api import router as sites_public_router
from gonghui.staffing.api import router as staffing_router
from gonghui.workforce.api import router as workforce_router

api = GonghuiAPI(
    title="工会一站式服务平台 API",
    version="1.0.0",
    urls_namespace="api",
    description=(
        "县总工会工作平台的 JSON 接口。认证：`Authorization: Bearer <令牌>`(令牌由 "
        "`gonghui token create 用户名` 生成)或网页登录会话(非 GET 请求需带 X-CSRFToken)。"
        "所有数据按用户的数据范围过滤：范围外的记录与不存在的记录一样返回 404。"
        '错误统一为 `{"code": "...", "message": "中文说明", "fields": {...}}`。'
        "手机号等个人信息一律脱敏返回。列表接口使用游标分页：`limit` 与上一页的 `next_cursor`。"
    ),
)
api.add_router("/orgs", orgs_router)
api.add_router("/enterprises", enterprise_router)
api.add_router("/members", members_router)
api.add_router("/join-applications", join_router)
api.add_router("/users", accounts_router)
api.add_router("/audit-events", audit_router)
api.add_router("/me", me_router)
api.add_router("/public/sites", sites_public_router)
api.add_router("/sites", sites_router)
for prefix, router in assistance_routers:
    api.add_router(prefix, router)
api.add_router("/forum", forum_router)
api.add_router("/rights", rights_router)
api.add_router("/outreach", outreach_router)
api.add_router("/plans", plans_router)
api.add_router("/reform-items", reform_router)
api.add_router("/reform-pilots", reform_pilots_router)
api.add_router("/reform-agents", reform_agents_router)
api.add_router("/measures", measures_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/staffing", staffing_router)
api.add_router("/workforce", workforce_router)
