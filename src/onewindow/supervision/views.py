"""Supervision pages: my messages, warnings, and the rules an administrator sets."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.org.access import role_required
from onewindow.org.roles import ALL_UNITS, UNIT_BOUND, RoleCode
from onewindow.supervision import selectors, services
from onewindow.supervision.models import Rules, Warning

READERS = (*ALL_UNITS, *UNIT_BOUND)


@role_required(*READERS)
def my_messages(request):
    rows = selectors.messages_of(request.user)[:200]
    return render(request, "supervision/messages.html", {"rows": rows})


@require_POST
@role_required(*READERS)
def messages_read(request):
    selectors.messages_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("supervision:messages")


@role_required(*READERS)
def warnings(request):
    qs = selectors.warning_list_for_user(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Warning.Kind.values:
        qs = qs.filter(kind=kind)
    return render(
        request,
        "supervision/warnings.html",
        {"rows": qs[:300], "kind": kind, "kinds": Warning.Kind.choices},
    )


class RulesForm(forms.ModelForm):
    class Meta:
        model = Rules
        fields = services.RULE_FIELDS


@role_required(
    RoleCode.SUPERVISOR, RoleCode.SYSADMIN, RoleCode.HALL_MANAGER, RoleCode.REFORM_OFFICE
)
def rules(request):
    current = Rules.current()
    form = RulesForm(instance=current)
    status = 200
    if request.method == "POST":
        form = RulesForm(request.POST, instance=Rules.current())
        if form.is_valid():
            try:
                services.rules_save(acting_user=request.user, data=form.cleaned_data)
                messages.success(
                    request, "监察规则已保存；黄灯阈值变化时，在办办件的预警日期已重新计算。"
                )
                return redirect("supervision:rules")
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        status = 400
    can_edit = request.user.has_role(RoleCode.SUPERVISOR, RoleCode.SYSADMIN)
    return render(
        request, "supervision/rules.html", {"form": form, "can_edit": can_edit}, status=status
    )
