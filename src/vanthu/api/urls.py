"""The REST API: ``/api/v1/…``, OpenAPI at ``/api/openapi.json``, interactive docs at ``/api/docs``."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from vanthu.api.auth import API_AUTH
from vanthu.api.errors import install_error_handlers
from vanthu.api.routers import actions, assignments, incoming, me, stats

api = NinjaAPI(
    title="Vanthu API",
    version="1",
    description="API của hệ thống quản lý văn bản và điều hành Vanthu. Xác thực: Authorization: Bearer <token>.",
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/v1/", me.router)
api.add_router("/v1/", incoming.router)
api.add_router("/v1/", actions.router)
api.add_router("/v1/", assignments.router)
api.add_router("/v1/", stats.router)

urlpatterns = [path("", api.urls)]
