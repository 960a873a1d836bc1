"""网上申请: the applicant's form for an item or a 一件事 (drafts saved on the server), 我的申请,
and the uploads with a progress bar (static/onewindow/upload.js; the form works without it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onewindow.cases.services import max_upload_bytes
from onewindow.catalog import selectors as catalog_selectors
from onewindow.common.errors import error_text
from onewindow.common.masking import mask_id_number
from onewindow.common.parsing import parse_int
from onewindow.org.access import permission_required
from onewindow.portal import drafts
from onewindow.portal import selectors as portal_selectors
from onewindow.portal.models import Draft

FIELDS = (
    "applicant_as",
    "organisation",
    "own_id",
    "other_name",
    "other_id",
    "phone",
    "delivery",
    "mail_recipient",
    "mail_phone",
    "mail_address",
    "commitment",
)


@permission_required("portal.apply")
def my_applications(request):
    """我的申请: drafts to continue (继续填写 / 删除) and applications already submitted."""
    rows = list(portal_selectors.draft_list_for_user(user=request.user)[:100])
    return render(
        request,
        "portal/apply_list.html",
        {
            "open": [d for d in rows if not d.submitted],
            "sent": [d for d in rows if d.submitted],
        },
    )


@permission_required("portal.apply")
def apply_item(request, code: str):
    item = catalog_selectors.public_item_get(code)
    return _start(request, Draft(owner=request.user, item=item), item=item)


@permission_required("portal.apply")
def apply_combined(request, service_id: int):
    service = catalog_selectors.combined_get(service_id, public=True)
    return _start(request, Draft(owner=request.user, service=service), service=service)


def _start(request, new: Draft, **target):
    """The empty form (GET), or a new draft from its first post; an open draft of the same
    item or 一件事 is continued instead of starting another."""
    reason = drafts.item_offline_reason(new.item) if new.item else None
    if reason is None:
        reason = drafts.service_offline_reason(new.service)
    if reason:
        return render(
            request, "web/error.html", {"title": "不能在网上申请", "message": reason}, status=409
        )
    existing = (
        portal_selectors.draft_list_for_user(user=request.user)
        .filter(submitted_at__isnull=True, **target)
        .first()
    )
    if existing is not None:
        if request.method == "POST":  # a second tab or device started the same application
            messages.error(request, f"您已有一份“{existing.title}”的草稿，{drafts.STALE}")
        else:
            messages.info(request, "您有一份未提交的草稿，已为您打开，可继续填写。")
        return redirect("portal:application", existing.pk)
    if request.method != "POST":
        return _form(request, new, _values(request, new))
    try:
        draft = drafts.draft_create(acting_user=request.user, **target)
    except (ValidationError, PermissionDenied) as exc:
        return _form(request, new, dict(request.POST.items()), {"form": error_text(exc)}, 400)
    return _post(request, draft, version=draft.version)


@permission_required("portal.apply")
def application(request, draft_id: int):
    """A draft: the form to continue, save (保存草稿) and submit (提交申请); a submitted one
    shows what was sent and links its case."""
    draft = portal_selectors.draft_get_for_user(draft_id, user=request.user)
    if request.method == "POST" and not draft.submitted:
        return _post(request, draft, version=_version(request))
    return _form(request, draft, _values(request, draft))


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0  # no draft has version 0: refused as stale


def _post(request, draft: Draft, *, version: int):
    posted = dict(request.POST.items())
    action = request.POST.get("action", "save")
    errors: dict[str, str] = {}
    try:
        draft = drafts.draft_save(
            acting_user=request.user, draft=draft, data=request.POST, version=version
        )
    except ValidationError as exc:
        if _stale(exc) and action == "submit":
            done = _submitted_meanwhile(request, draft)
            if done is not None:
                return done
        return _form(request, draft, posted, _errors(exc), 409 if _stale(exc) else 400)
    for name, upload in request.FILES.items():
        material_id = _material_id(name)
        if material_id is None:
            continue
        try:
            drafts.draft_upload(
                acting_user=request.user, draft=draft, material_id=material_id, upload=upload
            )
        except ValidationError as exc:
            errors[f"m{material_id}"] = error_text(exc)
    if action.startswith("remove-") and _material_id(action[7:]) is not None:
        drafts.draft_file_remove(
            acting_user=request.user, draft=draft, material_id=_material_id(action[7:])
        )
        messages.success(request, "已删除该材料的文件。")
    if errors:
        return _form(request, draft, _values(request, draft), errors, 400)
    if action == "submit":
        try:
            drafts.draft_submit(acting_user=request.user, draft=draft, version=draft.version)
        except ValidationError as exc:
            draft.refresh_from_db()
            return _form(request, draft, _values(request, draft), _errors(exc), 400)
        messages.success(
            request,
            f"申请已提交（{draft.title}），等待窗口受理。受理后可在“我的办事”中查看办理进度。",
        )
        return redirect("portal:application", draft.pk)
    if action == "save":
        messages.success(request, "草稿已保存，可在任何设备登录后继续填写。")
    return redirect("portal:application", draft.pk)


def _submitted_meanwhile(request, draft: Draft):
    """A second click on 提交申请 (or a second tab) whose draft the first submission changed:
    when the draft is now submitted, the applicant is told so and sent to the case, not told
    that the draft was modified elsewhere."""
    fresh = portal_selectors.draft_list_for_user(user=request.user).filter(pk=draft.pk).first()
    if fresh is None or not fresh.submitted:
        return None
    messages.success(request, f"申请已提交（{fresh.title}），无需重复提交。")
    if fresh.submitted_case_id:
        return redirect("portal:my_case", fresh.submitted_case_id)
    return redirect("portal:application", fresh.pk)


def _material_id(name: str) -> int | None:
    text = name[1:] if name.startswith("m") else name
    return parse_int(text)


def _stale(exc: ValidationError) -> bool:
    return drafts.STALE in exc.messages


def _errors(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: "；".join(v) for k, v in exc.message_dict.items()}
    return {"form": error_text(exc)}


def _values(request, draft: Draft) -> dict[str, str]:
    """The form's values as the draft holds them (a new one: the account's own details)."""
    mail = draft.mail or {}
    values = {
        "applicant_as": draft.applicant_as,
        "organisation": draft.organisation_digest,
        "own_id": draft.own_id,
        "other_name": draft.other_name,
        "other_id": draft.other_id,
        "phone": draft.phone,
        "delivery": draft.delivery,
        "commitment": "1" if draft.commitment_accepted else "",
        **{f"mail_{k}": mail.get(k, "") for k, _, _ in drafts.MAIL_KEYS},
    }
    if draft.pk is None:
        own = next(iter(drafts.acting_for(request.user)), None)
        values["phone"] = own.mobile if own is not None else ""
    return values


def _form(request, draft: Draft, values: dict, errors=None, status=200):
    errors = errors or {}
    lines = drafts.checklist_with_files(draft) if draft.pk else drafts.checklist(draft)
    for line in lines:
        line.error = errors.get(f"m{line.key}", "")
        if f"m{line.key}" in values:
            line.choice = values[f"m{line.key}"]
    own = next(iter(drafts.acting_for(request.user)), None)
    known = drafts.known_number(own) if own else ""
    if draft.pk:
        action = reverse("portal:application", args=[draft.pk])
    elif draft.item_id:
        action = reverse("portal:apply_item", args=[draft.item.code])
    else:
        action = reverse("portal:apply_combined", args=[draft.service_id])
    shown = {k: values.get(k, "") for k in FIELDS}
    return render(
        request,
        "portal/apply_form.html",
        {
            "draft": draft,
            "action": action,
            "values": shown,
            "errors": errors,
            "field_errors": {k: v for k, v in errors.items() if k != "form"},
            "lines": lines,
            "organisations": drafts.organisations(request.user),
            "own_masked": mask_id_number(known) if known else "",
            "verified": bool(request.user.identity_digest),
            "commitment": drafts.commitment_text(draft)
            if (draft.item_id or draft.service_id)
            else "",
            "max_mb": max_upload_bytes() // 1048576,
            "max_bytes": max_upload_bytes(),
            "As": Draft.As,
            "Delivery": Draft.Delivery,
        },
        status=status,
    )


@require_POST
@permission_required("portal.apply")
def upload(request, draft_id: int, material_id: int):
    """One material's file sent by upload.js (XMLHttpRequest, with progress): JSON back."""
    draft = portal_selectors.draft_get_for_user(draft_id, user=request.user)
    given = request.FILES.get("file")
    if given is None:
        return JsonResponse({"error": "没有收到文件，请重新选择。"}, status=400)
    try:
        row = drafts.draft_upload(
            acting_user=request.user, draft=draft, material_id=material_id, upload=given
        )
    except ValidationError as exc:
        return JsonResponse({"error": error_text(exc)}, status=400)
    return JsonResponse(
        {"name": row.original_name, "size": row.size, "label": f"{row.size / 1048576:.1f}MB"}
    )


@require_POST
@permission_required("portal.apply")
def delete(request, draft_id: int):
    draft = portal_selectors.draft_get_for_user(draft_id, user=request.user)
    try:
        drafts.draft_delete(acting_user=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已删除“{draft.title}”的草稿。")
    return redirect("portal:applications")
