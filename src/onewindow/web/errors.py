"""Every refusal that does not come from a view's own form, in the documented shape: a Chinese
page for pages, the Problem JSON {"detail": 中文} for /api/ (docs/decisions.md 29). Django calls
these for an unreadable request (400: a junk query parameter, a broken multipart body, a body
over the size limit), a method the address does not take (405, from the middleware below) and
an unexpected failure (500)."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from onewindow.common.parsing import BadParameter
from onewindow.web.views import page_not_found

UNREADABLE = "无法读取提交的内容（格式不正确或内容不完整），请返回上一页重新提交。"
TOO_BIG = "提交的内容超过了允许的大小，请减少内容或分批提交。"
NOT_ALLOWED = "此地址不支持{method}请求（可用：{allowed}）。请使用页面上的按钮或链接操作。"
FAILED = "系统暂时无法完成此操作，已记录错误。请稍后重试；如仍不行，请联系系统管理员。"
CSRF_REFUSED = (
    "提交未被接受：页面已过期或未通过跨站请求安全校验（CSRF）。"
    "请刷新页面（必要时重新登录）后再提交一次。"
)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def problem_or_page(request, status: int, message: str, title: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse(
            {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    if isinstance(exception, BadParameter):
        message = str(exception)
    elif isinstance(exception, RequestDataTooBig):
        message = TOO_BIG
    else:
        message = UNREADABLE
    return problem_or_page(request, 400, message, "请求有误")


def csrf_failure(request, reason=""):
    """Django's CSRF refusal is an English page; say in Chinese what happened and what to do."""
    return problem_or_page(request, 403, CSRF_REFUSED, "提交未被接受")


def not_found(request, exception=None):
    if is_api(request):
        return problem_or_page(request, 404, "没有找到该资源，请核对接口地址（见 /api/docs）。", "")
    return page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse(
            {"detail": FAILED}, status=500, json_dumps_params={"ensure_ascii": False}
        )
    # No context processors: whatever failed must not fail again while the page is drawn.
    body = render_to_string("web/500.html", {"message": FAILED})
    return HttpResponse(body, status=500)


class MethodNotAllowedMiddleware:
    """Django's and ninja's 405s carry no explanation (or English): answer them in Chinese,
    keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or (
            response.get("Content-Type", "").startswith("application/json")
            and b'"detail"' in response.content
        ):
            return response
        allowed = response.get("Allow", "")
        message = NOT_ALLOWED.format(method=request.method, allowed=allowed or "无")
        refused = problem_or_page(request, 405, message, "不支持的操作")
        if allowed:
            refused["Allow"] = allowed
        return refused
