"""Catalogue pages for staff: list, item, edit, hall status, withdrawal, check, import/export,
combined services. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.catalog import selectors, services, transfer
from onewindow.catalog.codes import ItemType
from onewindow.catalog.forms import (
    ApprovalForm,
    CombinedForm,
    HallForm,
    ItemForm,
    MaterialFormSet,
)
from onewindow.catalog.models import Item
from onewindow.common import import_report
from onewindow.common.parsing import query_int
from onewindow.documents import download
from onewindow.org.access import permission_required
from onewindow.org.selectors import unit_list_for_user
from onewindow.org.views import form_errors

READ = "catalog.view_catalogue"
GOVERN = "catalog.govern"


@permission_required(READ)
def item_list(request):
    qs = selectors.item_filter(selectors.item_list_for_user(user=request.user), params=request.GET)
    query = request.GET.get("q", "").strip()
    items = selectors.item_search(qs, query) if query else qs
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/item_list.html",
        {
            "page": page,
            "query": query,
            "units": unit_list_for_user(user=request.user).filter(items__isnull=False).distinct(),
            "types": ItemType.choices,
            "statuses": Item.Status.choices,
            "halls": Item.HallStatus.choices,
            "params": request.GET,
        },
    )


@permission_required(READ)
def item_detail(request, item_id: int):
    item = selectors.item_get_for_user(item_id, user=request.user)
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "history": selectors.item_history(item),
            "approvals": selectors.hall_approvals(item),
            "can_edit": services.can_edit_item(request.user, item),
            "publish_problems": [m for _f, m in services.publish_problems(item)]
            if item.status == Item.Status.DRAFT
            else [],
        },
    )


def _material_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("name"):
            continue
        row = {k: v for k, v in data.items() if k not in {"DELETE", "id", "item"}}
        # The stored material the row edits keeps its id, so case checklists stay linked.
        row["id"] = data["id"].pk if data.get("id") else None
        rows.append(row)
    return rows


@permission_required("catalog.edit_items")
def item_edit(request, item_id: int | None = None):
    item = selectors.item_get_for_user(item_id, user=request.user) if item_id else Item()
    if item.pk and not services.can_edit_item(request.user, item):
        raise PermissionDenied("您无权修改该事项。")
    if not item.pk and not services.can_create_item(request.user):
        raise PermissionDenied("您无权新增事项。")
    # The reform office picks any unit; a window supervisor's scope is their own unit.
    units = unit_list_for_user(user=request.user)
    form = ItemForm(request.POST or None, instance=item, units=units)
    formset = MaterialFormSet(request.POST or None, request.FILES or None, instance=item)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if item.pk:
                item = services.item_update(
                    acting_user=request.user,
                    item=item,
                    data=form.item_data(),
                    materials=_material_rows(formset),
                    life_events=form.cleaned_data["life_events"],
                )
            else:
                item = services.item_create(
                    acting_user=request.user,
                    unit=form.cleaned_data["unit"],
                    data=form.item_data(),
                    materials=_material_rows(formset),
                    life_events=form.cleaned_data["life_events"],
                )
            messages.success(request, f"事项“{item.name}”已保存（第{item.version}版）。")
            return redirect("catalog:item_detail", item.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "catalog/item_form.html",
        {"form": form, "formset": formset, "item": item, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(GOVERN)
def item_publish(request, item_id: int):
    item = selectors.item_get_for_user(item_id, user=request.user)
    try:
        services.item_publish(acting_user=request.user, item=item)
        messages.success(request, f"事项“{item.name}”已发布到网上大厅。")
    except ValidationError as exc:
        messages.error(request, "不能发布：" + "；".join(exc.messages))
    return redirect("catalog:item_detail", item.pk)


@permission_required(GOVERN)
def item_hall(request, item_id: int):
    """Online hall, physical hall and supervision; leaving a hall needs the approval (S13)."""
    item = selectors.item_get_for_user(item_id, user=request.user)
    form = HallForm(request.POST or None, instance=item)
    approval = ApprovalForm(request.POST or None, prefix="approval", required=False)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid() and approval.is_valid():
        try:
            services.item_set_hall_status(
                acting_user=request.user,
                item=item,
                data=form.cleaned_data,
                approval=approval.approval(),
            )
            messages.success(request, "进驻情况已更新。")
            return redirect("catalog:item_detail", item.pk)
        except ValidationError as exc:
            loose = form_errors(approval, exc) if _is_approval(exc) else form_errors(form, exc)
    return render(
        request,
        "catalog/item_hall.html",
        {"item": item, "form": form, "approval": approval, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


def _is_approval(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and set(exc.message_dict) <= set(ApprovalForm.Meta.fields)


@permission_required(GOVERN)
def item_withdraw(request, item_id: int):
    item = selectors.item_get_for_user(item_id, user=request.user)
    form = ApprovalForm(request.POST or None)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.item_withdraw(acting_user=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"事项“{item.name}”已撤销。")
            return redirect("catalog:item_detail", item.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "catalog/item_withdraw.html",
        {"item": item, "form": form, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("catalog.view_check")
def catalogue_check(request):
    """The 核查 report (S3): every problem with its reason, per unit; XLSX on request."""
    unit = query_int(request.GET, "unit", label="单位")
    findings = selectors.catalogue_check(user=request.user, unit_id=unit)
    if request.GET.get("format") == "xlsx":
        content = transfer.check_xlsx(findings)
        day = timezone.localdate().isoformat()
        return download(content, f"事项核查报告-{day}.xlsx", "xlsx")
    total = sum(len(v) for v in findings.values())
    return render(
        request,
        "catalog/check.html",
        {
            "findings": findings,
            "total": total,
            "units": unit_list_for_user(user=request.user),
            "unit": unit,
        },
    )


@permission_required(GOVERN)
def catalogue_import(request):
    """Check and import a file, all or nothing. A refusal shows the errors grouped by kind and
    keeps the error workbook (the upload with the bad cells marked) for this user to download."""
    context = {"result": None, "limit_mb": transfer.max_bytes() // 1048576}
    refused = False
    if request.method == "POST":
        upload = request.FILES.get("file")
        copies = []
        try:
            if upload is None:
                raise transfer.ImportRefused(
                    [
                        transfer.RowError(
                            "文件", 0, "", "请选择要导入的XLSX或JSON文件。", "未选择文件"
                        )
                    ]
                )
            data, copies = transfer.read_upload_with_copies(upload)
            context["result"] = transfer.import_catalogue(acting_user=request.user, **data)
        except transfer.ImportRefused as exc:
            refused = True
            context |= import_report.refusal(
                exc.problems, user=request.user, sheets=copies, name="事项导入错误清单"
            )
    return render(request, "catalog/import.html", context, status=400 if refused else 200)


@permission_required(READ)
def catalogue_export(request, fmt: str):
    if fmt not in ("xlsx", "json"):
        raise Http404("只支持导出XLSX或JSON格式。")
    qs = selectors.item_filter(selectors.item_list_for_user(user=request.user), params=request.GET)
    day = timezone.localdate().isoformat()
    if fmt == "json":
        return download(transfer.export_json(qs), f"事项库-{day}.json", "json")
    return download(transfer.export_xlsx(qs), f"事项库-{day}.xlsx", "xlsx")


@permission_required(READ)
def catalogue_template(request):
    return download(transfer.export_xlsx(None), "事项导入模板.xlsx", "xlsx")


# --- combined services --------------------------------------------------------------------


@permission_required(READ)
def combined_list(request):
    return render(request, "catalog/combined_list.html", {"services": selectors.combined_list()})


@permission_required(READ)
def combined_detail(request, service_id: int):
    service = selectors.combined_get(service_id, public=False)
    return render(
        request,
        "catalog/combined_detail.html",
        {
            "service": service,
            "merged": selectors.merged_materials(service),
        },
    )


@permission_required(GOVERN)
def combined_edit(request, service_id: int | None = None):
    service = selectors.combined_get(service_id, public=False) if service_id else None
    form = CombinedForm(request.POST or None, instance=service)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            service = services.combined_save(
                acting_user=request.user,
                data=data,
                items=list(data.pop("member_items")),
                life_events=data.pop("life_events"),
                service=service,
            )
            messages.success(request, f"一件事“{service.name}”已保存。")
            return redirect("catalog:combined_detail", service.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "catalog/combined_form.html",
        {"form": form, "service": service, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(GOVERN)
def combined_publish(request, service_id: int):
    service = selectors.combined_get(service_id, public=False)
    try:
        services.combined_publish(acting_user=request.user, service=service)
        messages.success(request, f"一件事“{service.name}”已发布。")
    except ValidationError as exc:
        messages.error(request, "不能发布：" + "；".join(exc.messages))
    return redirect("catalog:combined_detail", service.pk)
