"""The JSON API (/api/v1/). Each app contributes a router; the shared machinery
(auth, the one error shape, pagination) lives in gonghui.core.api."""

from gonghui.accounts.api import me_router
from gonghui.accounts.api import router as accounts_router
from gonghui.assistance.api import router as archives_router
from gonghui.assistance.api_alerts import router as alerts_router
from gonghui.assistance.api_programmes import router as programmes_router
from gonghui.assistance.monitoring.api import router as monitoring_router
from gonghui.audit.api import router as audit_router
from gonghui.core.api import GonghuiAPI
from gonghui.members.api import router as members_router
from gonghui.members.api_join import router as join_router
from gonghui.orgs.api import enterprise_router
from gonghui.orgs.api import router as orgs_router
from gonghui.sites.api import router as sites_router
from gonghui.sites.api_public import router as sites_public_router
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
api.add_router("/archives", archives_router)
api.add_router("/programmes", programmes_router)
api.add_router("/alerts", alerts_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/workforce", workforce_router)
