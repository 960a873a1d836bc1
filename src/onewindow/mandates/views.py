"""Pages: letters with their powers and documents, seals, first-asked records."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.common.paging import page_of
from onewindow.common.parsing import parse_int, query_int
from onewindow.documents import download
from onewindow.mandates import documents, selectors, services
from onewindow.mandates.forms import EnquiryForm, LetterForm, SealForm
from onewindow.mandates.models import ItemPower, Letter, default_cut_limit
from onewindow.org.access import permission_required
from onewindow.org.permissions import allows
from onewindow.org.selectors import unit_get_for_user, unit_list_for_user, user_unit_id
from onewindow.org.views import form_errors


def _letter(request, letter_id: int) -> Letter:
    return selectors.letter_get_for_user(letter_id, user=request.user)


@permission_required("mandates.view_letters")
def letter_list(request):
    today = timezone.localdate()
    letters = selectors.letters_for_user(request.user).annotate(n=Count("powers"))
    page = page_of(letters.order_by("unit_id", "-valid_from", "-id"), request.GET)
    for letter in page:
        letter.shown = letter.shown_status(today)
    units = unit_list_for_user(user=request.user).filter(in_reform=True)
    return render(
        request,
        "mandates/letter_list.html",
        {
            "page": page,
            "missing": selectors.units_without_letter(units, user=request.user, day=today),
        },
    )


@permission_required("mandates.view_letters")
def letter_detail(request, letter_id: int):
    letter = _letter(request, letter_id)
    today = timezone.localdate()
    return render(
        request,
        "mandates/letter_detail.html",
        {
            "letter": letter,
            "shown": letter.shown_status(today),
            "powers": selectors.letter_powers(letter),
            "paragraphs": documents.paragraphs(letter),
            "can_manage": services.can_manage_unit(request.user, letter.unit_id),
            "today": today,
        },
    )


@permission_required("mandates.edit_letter")
def letter_edit(request, letter_id: int | None = None):
    letter = _letter(request, letter_id) if letter_id else None
    if letter is None:
        unit_id = (
            query_int(request.GET, "unit", label="单位")
            or parse_int(request.POST.get("unit"))
            or user_unit_id(request.user)
        )
        if not unit_id:
            units = unit_list_for_user(user=request.user).filter(in_reform=True)
            return render(request, "mandates/pick_unit.html", {"units": units})
        unit = unit_get_for_user(unit_id, user=request.user)
    else:
        unit = letter.unit
    form = LetterForm(request.POST or None, instance=letter, unit=unit)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            if letter:
                letter = services.letter_update(
                    acting_user=request.user, letter=letter, data=form.cleaned_data
                )
            else:
                letter = services.letter_create(
                    acting_user=request.user, unit=unit, data=form.cleaned_data
                )
            messages.success(request, "授权委托书已保存。下一步：设置事项授权。")
            return redirect("mandates:letter_powers", letter.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "mandates/letter_form.html",
        {"form": form, "letter": letter, "unit": unit, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("mandates.edit_letter")
def letter_powers(request, letter_id: int):
    """One row per hall item of the unit: power, S5 flags, the cut limit and its reason."""
    letter = _letter(request, letter_id)
    existing = {p.item_id: p for p in selectors.letter_powers(letter)}
    items = list(services.hall_items(letter.unit_id))
    errors: list[str] = []
    if request.method == "POST":
        rows = []
        for item in items:
            power = request.POST.get(f"power_{item.pk}", "")
            if not power:
                continue
            cut = request.POST.get(f"cut_{item.pk}", "").strip()
            if cut and parse_int(cut, maximum=9999) is None:
                errors.append(f"“{item.name}”压缩后承诺时限应为整数个工作日。")
                continue
            rows.append(
                {
                    "item": item,
                    "power": power,
                    "collective": bool(request.POST.get(f"collective_{item.pk}")),
                    "needs_other": bool(request.POST.get(f"other_{item.pk}")),
                    "needs_other_note": request.POST.get(f"other_note_{item.pk}", ""),
                    "cut_limit": parse_int(cut),
                    "cut_reason": request.POST.get(f"reason_{item.pk}", ""),
                }
            )
        if not errors:
            try:
                services.letter_set_powers(acting_user=request.user, letter=letter, powers=rows)
                messages.success(request, f"已设置{len(rows)}个事项的授权。")
                return redirect("mandates:letter_detail", letter.pk)
            except ValidationError as exc:
                errors = exc.messages
            except PermissionDenied:
                raise
    suggested = {s["item"].pk: s["power"] for s in services.suggested_powers(letter)}
    table = [
        {
            "item": item,
            "current": existing.get(item.pk),
            "suggested": suggested.get(item.pk),
            "default_cut": default_cut_limit(item.promised_limit),
            "posted": request.POST,
        }
        for item in items
    ]
    return render(
        request,
        "mandates/letter_powers.html",
        {"letter": letter, "table": table, "errors": errors, "choices": ItemPower.Power.choices},
        status=400 if errors else 200,
    )


@require_POST
@permission_required("mandates.act_on_letter")
def letter_action(request, letter_id: int, action: str):
    letter = _letter(request, letter_id)
    today = timezone.localdate()
    try:
        if action == "sign":
            services.letter_sign(acting_user=request.user, letter=letter, signed_on=today)
            messages.success(request, "已签署。请报政务服务中心备案，备案后授权生效。")
        elif action == "file":
            services.letter_file(acting_user=request.user, letter=letter, filed_on=today)
            messages.success(request, "已备案，授权自有效期开始之日起生效。")
        elif action == "revoke":
            services.letter_revoke(
                acting_user=request.user, letter=letter, reason=request.POST.get("reason", "")
            )
            messages.success(request, "已撤销，该授权委托书授予的权限即时失效。")
        else:
            raise Http404("没有这个操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("mandates:letter_detail", letter.pk)


@permission_required("mandates.view_letters")
def letter_document(request, letter_id: int, kind: str):
    letter = _letter(request, letter_id)
    name = f"{letter.unit.short_name or letter.unit.name}授权委托书"
    if kind == "docx":
        return download(documents.letter_docx(letter), f"{name}.docx", "docx")
    if kind == "pdf":
        return download(documents.letter_pdf(letter), f"{name}.pdf", "pdf")
    if kind == "attachment5.xlsx":
        content = documents.attachment5_xlsx(
            letter,
            reviewer=letter.supervisor.name,
            preparer=letter.team_leader.name,
            phone=letter.unit.lead_section.phone if letter.unit.lead_section else "",
        )
        return download(content, f"附件5-{name}.xlsx", "xlsx")
    raise Http404("没有这种文档。")


@permission_required("mandates.view_seal")
def seal_page(request, unit_id: int | None = None):
    unit_id = unit_id or user_unit_id(request.user)
    if not unit_id:
        return redirect("mandates:seal_list")
    unit = unit_get_for_user(unit_id, user=request.user)
    seal = selectors.seal_of(unit)
    can_manage = services.can_manage_unit(request.user, unit.pk)
    form = SealForm(request.POST or None, request.FILES or None, instance=seal, unit=unit)
    loose: list[str] = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您无权登记该单位的印章。")
        if form.is_valid():
            try:
                services.seal_save(acting_user=request.user, unit=unit, data=form.cleaned_data)
                messages.success(request, "印章情况已保存。")
                return redirect("mandates:seal", unit.pk)
            except ValidationError as exc:
                loose = form_errors(form, exc)
    return render(
        request,
        "mandates/seal.html",
        {"unit": unit, "seal": seal, "form": form, "can_manage": can_manage, "loose_errors": loose},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("mandates.view_seals")
def seal_list(request):
    units = unit_list_for_user(user=request.user).filter(in_reform=True).select_related("seal")
    page = page_of(units.order_by("id"), request.GET)
    return render(request, "mandates/seal_list.html", {"page": page})


@permission_required("mandates.view_enquiries")
def enquiries(request):
    """The window person's quick form and their records; hall-wide roles see counts per person."""
    form = EnquiryForm(request.POST or None)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_record(acting_user=request.user, **form.cleaned_data)
            messages.success(request, "首问记录已登记。")
            return redirect("mandates:enquiries")
        except ValidationError as exc:
            loose = form_errors(form, exc)
        except PermissionDenied as exc:
            loose = [str(exc)]
    mine = selectors.enquiries_of(getattr(request.user, "staff", None))
    since = timezone.localdate() - datetime.timedelta(days=30)
    return render(
        request,
        "mandates/enquiries.html",
        {
            "form": form,
            "page": page_of(mine, request.GET),
            "counts": selectors.enquiry_counts(since)
            if allows(request.user, "mandates.view_enquiry_counts")
            else [],
            "since": since,
            "loose_errors": loose,
        },
        status=400 if request.method == "POST" else 200,
    )
