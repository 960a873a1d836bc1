"""The 一件事 pages: one form, one list, the parent's page with the moves its user may make now
(from the registry in `cases.actions.combined_actions`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.cases import selectors, services, timeline
from onewindow.cases.actions import offers, perform, read_form
from onewindow.cases.actions.combined_actions import ACTIONS, BY_NAME
from onewindow.cases.models import Channel
from onewindow.cases.permissions import Actor
from onewindow.cases.services import combined
from onewindow.cases.views.window import STATUS_CHOICES
from onewindow.catalog import selectors as catalog_selectors
from onewindow.common.errors import error_dict, error_text
from onewindow.org.access import permission_required


@permission_required("cases.use_workbench")
def combined_new(request, service_id: int):
    """The one form of a 一件事: the applicant once, the merged material list once."""
    service = catalog_selectors.combined_for_application(service_id)
    lines = catalog_selectors.merged_materials(service)
    errors: dict = {}
    if request.method == "POST":
        applicant = {k: request.POST.get(k, "") for k in services.APPLICANT_FIELDS}
        given = {
            line.name: request.POST.get(f"line_{n}", "missing") for n, line in enumerate(lines)
        }
        try:
            parent = combined.combined_submit(
                acting_user=request.user,
                service=service,
                channel=Channel.WINDOW,
                applicant=applicant,
                materials=given,
            )
            messages.success(request, "已收件。请核对材料后一次受理。")
            return redirect("cases:combined_detail", parent.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = error_dict(exc)
    return render(
        request,
        "cases/combined_new.html",
        {
            "service": service,
            "lines": lines,
            "errors": errors,
            "post": request.POST,
            "statuses": STATUS_CHOICES,
        },
        status=400 if errors else 200,
    )


@permission_required("cases.view_case")
def combined_list(request):
    """The lead unit's 一件事 (and those its unit takes part in); hall-wide roles see all."""
    rows = selectors.combined_list_for_user(user=request.user).order_by("-key_project", "-id")[:200]
    return render(request, "cases/combined_list.html", {"rows": rows})


@permission_required("cases.view_case")
def combined_detail(request, combined_id: int):
    parent = selectors.combined_get_for_user(combined_id, user=request.user)
    today = timezone.localdate()
    overview = selectors.combined_overview(parent, today)
    lines = catalog_selectors.merged_materials(parent.service)
    short = selectors.short_material_ids(parent)
    for line in lines:
        line.short = any(m.pk in short for m in line.materials)
    found = offers(ACTIONS, Actor(request.user, today), parent)
    prompt = next((o for o in found if o.action.name == "prompt" and o.allowed), None)
    return render(
        request,
        "cases/combined_detail.html",
        {
            "parent": parent,
            "lines": lines,
            **overview,
            "history": timeline.combined_sentences(overview["children"]),
            "offers": [o for o in found if o.allowed and o.action.partial],
            "can_prompt": prompt is not None,
            "prompt_states": ("accepted", "transferred", "suspended"),
            "posts": selectors.posts_of(request.user),
            "today": today,
        },
    )


@require_POST
@permission_required("cases.act")
def combined_act(request, combined_id: int, action: str):
    parent = selectors.combined_get_for_user(combined_id, user=request.user)
    chosen = BY_NAME.get(action)
    if chosen is None:
        raise Http404("没有这个操作。")
    try:
        data = read_form(chosen, request.POST, request.FILES, parent)
        perform(chosen, user=request.user, subject=parent, data=data)
        messages.success(request, chosen.done_text)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能{chosen.label}：{error_text(exc)}")
    return redirect("cases:combined_detail", parent.pk)
