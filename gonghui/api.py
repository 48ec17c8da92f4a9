"""The JSON API (/api/v1/). Each app contributes a router."""

from ninja import NinjaAPI

api = NinjaAPI(title="工会一站式服务平台 API", version="1.0.0", urls_namespace="api")
