"""The REST API root: every app's router, one OpenAPI document at /api/openapi.json and
interactive docs at /api/docs (served from the vendored assets, no CDN)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.parser import Parser

from onewindow import __version__
from onewindow.cases.api import combined_router
from onewindow.cases.api import router as cases_router
from onewindow.cases.province_api import router as province_router
from onewindow.catalog.api import router as catalog_router
from onewindow.common.errors import error_dict, error_text
from onewindow.common.parsing import BadParameter, JsonRefused, loads_json
from onewindow.org.selectors import platform_name
from onewindow.supervision.api import router as ratings_router
from onewindow.webhooks.api import router as webhooks_router

# Answers every operation may give besides its own (documented once, in one shape).
PROBLEM = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        "errors": {
            "description": "按字段列出的问题",
            "anyOf": [{"type": "object"}, {"type": "array"}, {"type": "null"}],
        },
    },
    "required": ["detail"],
}
COMMON = {
    "400": "请求有误（参数格式、空字符或业务规则）",
    "401": "未提供有效的API密钥或未登录",
    "403": "无权执行此操作",
    "404": "没有找到该资源",
}


DESCRIPTION = "{platform}接口。读取事项目录无需登录；写入须以审改办账号登录（会话+CSRF）。"


class OneWindowAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # The county's own name, read when the document is asked for (org.selectors, cached).
        schema["info"]["description"] = DESCRIPTION.format(platform=platform_name())
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = ["400"]
                if operation.get("security"):
                    wanted += ["401", "403"]
                if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                    wanted.append("404")
                for code in wanted:
                    responses.setdefault(
                        code,
                        {
                            "description": COMMON[code],
                            "content": {"application/json": {"schema": PROBLEM}},
                        },
                    )
        return schema


# Pydantic's error types in the words an applicant's system or a clerk reads.
WORDS = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为true或false",
    "string_type": "应为文本",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "json_invalid": "请求体不是有效的JSON",
    "model_attributes_type": "应为JSON对象",
    "dict_type": "应为JSON对象",
    "list_type": "应为列表",
    "string_too_long": "不能超过{max_length}个字符",
    "string_too_short": "至少{min_length}个字符",
    "too_long": "最多{max_length}项",
    "greater_than_equal": "应不小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "应不大于{le}",
    "less_than": "应小于{lt}",
    "literal_error": "取值无效，可选：{expected}",
    "enum": "取值无效，可选：{expected}",
    "int_from_float": "应为整数",
    "string_pattern_mismatch": "格式不符合要求",
    "extra_forbidden": "不是可以提交的字段",
}


def _words(error: dict) -> tuple[str, str]:
    where = [
        str(part)
        for part in error.get("loc", ())
        if part not in ("body", "query", "path", "payload")
    ]
    text = WORDS.get(error.get("type", ""), "格式有误")
    try:
        text = text.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        text = "格式有误"
    return ".".join(where) or "请求", text


class JsonParser(Parser):
    """Bodies read by the shared JSON reader: a document nested past its depth limit is refused
    before the parser recurses (RecursionError), in Chinese."""

    def parse_body(self, request):
        return loads_json(request.body)


api = OneWindowAPI(
    parser=JsonParser(),
    title="一窗通办 API",
    version=__version__,
    description=DESCRIPTION.format(platform="一窗通办政务服务平台"),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": error_text(exc), "errors": error_dict(exc)}, status=400
    )


@api.exception_handler(RequestInvalid)
def request_invalid(request, exc: RequestInvalid):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field, text = _words(error)
        errors.setdefault(field, []).append(text)
    detail = "请求参数有误：" + "；".join(f"{f}{'、'.join(t)}" for f, t in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def out_of_range(request, exc):
    # The last line behind the schemas' bounds: a number or text the column cannot hold. The
    # write's transaction has rolled back, so nothing is half-written.
    return api.create_response(
        request, {"detail": "提交的数值或文本超出了允许的范围，请核对后重新提交。"}, status=400
    )


@api.exception_handler(BadParameter)
def bad_parameter(request, exc: BadParameter):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja raises these with English text: an unreadable body (the cause says why in Chinese
    # when our parser refused it) and a few others, which are answered by their status.
    if isinstance(exc.__cause__, JsonRefused):
        detail = f"请求体无法读取：{exc.__cause__}"
    elif exc.status_code == 400:
        detail = "请求体无法读取：不是有效的JSON，请检查后重新提交。"
    else:
        detail = {401: COMMON["401"], 403: COMMON["403"], 404: COMMON["404"]}.get(
            exc.status_code, "请求未能处理。"
        )
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "请在X-API-Key请求头中提供有效的API密钥，或先登录。"}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "没有找到该资源。"}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "您无权执行此操作。"}, status=403)


api.add_router("/catalog/", catalog_router)
api.add_router("/cases/combined", combined_router)
api.add_router("/cases/", cases_router)
api.add_router("/province/", province_router)
api.add_router("/ratings/", ratings_router)
api.add_router("/webhooks/", webhooks_router)
