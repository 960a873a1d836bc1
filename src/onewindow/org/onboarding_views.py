"""The onboarding pages (机构人员导入): upload a county's workbook, download the template and the
export, and take the new accounts' first passwords once."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.common import crypto, import_report
from onewindow.documents import download
from onewindow.org import onboarding
from onewindow.org.access import permission_required
from onewindow.org.models import OnboardingRun
from onewindow.org.onboarding.reader import MAX_BYTES

PERM = "org.onboard"
# The first passwords wait in the session, encrypted (common.crypto), for one download.
PASSWORDS_KEY = "onboarding_passwords"


def _page(request, **context):
    context.setdefault("runs", OnboardingRun.objects.order_by("-at", "-id")[:10])
    context.setdefault("limit_mb", MAX_BYTES // 1048576)
    context["passwords_waiting"] = PASSWORDS_KEY in request.session
    status = 400 if context.get("refused") or context.get("missing") else 200
    return render(request, "org/onboarding.html", context, status=status)


@permission_required(PERM)
def onboard_page(request):
    if request.method != "POST":
        return _page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, missing="请选择要导入的XLSX文件（机构人员导入表）。")
    if upload.size > MAX_BYTES:
        return _page(request, missing=f"文件超过{MAX_BYTES // 1048576}MB上限，请分批导入。")
    try:
        data = upload.read()
        result = onboarding.onboard(acting_user=request.user, data=data, filename=upload.name or "")
    except onboarding.OnboardingRefused as exc:
        report = import_report.refusal(
            exc.problems,
            user=request.user,
            sheets=onboarding.sheet_copies(data),
            name="机构人员导入错误",
        )
        return _page(request, refused=True, **report)
    if result.passwords:
        # A second import before the first one's passwords were downloaded adds to them: they
        # are offered once, so replacing them would lose the first file's accounts' passwords.
        waiting = request.session.get(PASSWORDS_KEY)
        earlier = json.loads(crypto.decrypt(waiting)) if waiting else []
        request.session[PASSWORDS_KEY] = crypto.encrypt(
            json.dumps(earlier + [list(p) for p in result.passwords])
        )
    messages.success(request, "导入完成：" + onboarding.summary(result) + "。")
    return redirect("org:onboard")


@permission_required(PERM)
def onboard_template(request):
    return download(onboarding.workbook(with_data=False), "机构人员导入模板.xlsx", "xlsx")


@permission_required(PERM)
def onboard_export(request):
    day = timezone.localdate().isoformat()
    return download(onboarding.workbook(with_data=True), f"机构人员-{day}.xlsx", "xlsx")


@require_POST
@permission_required(PERM)
def onboard_passwords(request):
    """The first passwords of the last import, once: taken out of the session as they go."""
    token = request.session.pop(PASSWORDS_KEY, None)
    if token is None:
        messages.error(
            request,
            "初始密码只提供一次下载，已经下载过或已过期；如需重设，请由系统管理员重置密码。",
        )
        return redirect("org:onboard")
    passwords = [tuple(p) for p in json.loads(crypto.decrypt(token))]
    day = timezone.localdate().isoformat()
    return download(onboarding.passwords_workbook(passwords), f"初始密码-{day}.xlsx", "xlsx")
