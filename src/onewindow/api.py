"""The REST API root: every app's router, one OpenAPI document at /api/openapi.json and
interactive docs at /api/docs (served from the vendored assets, no CDN)."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI

from onewindow import __version__
from onewindow.cases.api import combined_router
from onewindow.cases.api import router as cases_router
from onewindow.catalog.api import router as catalog_router
from onewindow.common.errors import error_dict, error_text
from onewindow.supervision.api import router as ratings_router

api = NinjaAPI(
    title="一窗通办 API",
    version=__version__,
    description="桃江县一窗通办政务服务平台接口。读取事项目录无需登录；写入须以审改办账号登录（会话+CSRF）。",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": error_text(exc), "errors": error_dict(exc)}, status=400
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "您无权执行此操作。"}, status=403)


api.add_router("/catalog/", catalog_router)
api.add_router("/cases/combined", combined_router)
api.add_router("/cases/", cases_router)
api.add_router("/ratings/", ratings_router)
