"""Supervision pages: my messages, warnings, and the rules an administrator sets."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.cases.workflow import Light
from onewindow.common.errors import error_dict, error_text
from onewindow.common.paging import CAP, page_of
from onewindow.common.parsing import parse_int, query_int
from onewindow.documents import download
from onewindow.org import selectors as org_selectors
from onewindow.org.access import permission_required
from onewindow.org.permissions import visible_unit_ids
from onewindow.supervision import (
    anomalies,
    appraisal,
    dashboard,
    orders,
    queues,
    ratings,
    selectors,
    services,
)
from onewindow.supervision.models import Anomaly, Order, Rules, Ticket, Warning


@permission_required("supervision.view_messages")
def my_messages(request):
    rows = selectors.messages_of(request.user).order_by("-created_at", "-id")
    page = page_of(rows, request.GET)
    return render(request, "supervision/messages.html", {"rows": page, "page": page})


@require_POST
@permission_required("supervision.view_messages")
def messages_read(request):
    selectors.messages_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("supervision:messages")


@permission_required("supervision.view_warnings")
def warnings(request):
    """Every warning in the reader's scope; for the inspector, the new ones (?queue=new: on cases
    still being handled, no 督办 issued from them yet) as a tab with their count."""
    queue = request.GET.get("queue", "") if queues.inspects(request.user) else ""
    if queue == "new":
        qs = queues.new_warnings(request.user)
    else:
        qs = selectors.warning_list_for_user(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Warning.Kind.values:
        qs = qs.filter(kind=kind)
    new_count = queues.new_warning_count(request.user) if queues.inspects(request.user) else None
    # Warnings grow with the cases: counted up to CAP, so the page costs the same at any size.
    page = page_of(qs.order_by("-raised_at", "-id"), request.GET, cap=CAP)
    return render(
        request,
        "supervision/warnings.html",
        {
            "rows": page,
            "page": page,
            "kind": kind,
            "kinds": Warning.Kind.choices,
            "queue": queue,
            "new_count": new_count,
            "new_shown": None if new_count is None else queues.shown(new_count),
        },
    )


class RulesForm(forms.ModelForm):
    anomaly_rules_off = forms.MultipleChoiceField(
        label="停用的异常规则",
        choices=Anomaly.Rule.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Rules
        fields = services.RULE_FIELDS


@permission_required("supervision.view_rules")
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
    return render(request, "supervision/rules.html", {"form": form}, status=status)


# --- 督办 -----------------------------------------------------------------------------------


@permission_required("supervision.view_orders")
def order_list(request):
    """Every 督办 in the reader's scope; the ones waiting for the reader (?queue=waiting: the
    unit's answer; answered: the inspector's closing) as tabs with their counts."""
    keys = queues.order_keys(request.user)
    queue = request.GET.get("queue", "")
    rows = queues.orders(request.user, queue) if queue in keys else None
    if rows is None:
        queue, rows = "", selectors.order_list_for_user(user=request.user)
    state = request.GET.get("state", "")
    if state in Order.State.values:
        rows = rows.filter(state=state)
    tabs = [(k, queues.ORDER_QUEUES[k][0], queues.orders(request.user, k).count()) for k in keys]
    page = page_of(rows.order_by("-issued_at", "-id"), request.GET)
    return render(
        request,
        "supervision/orders.html",
        {
            "rows": page,
            "page": page,
            "state": state,
            "states": Order.State.choices,
            "queue": queue,
            "tabs": tabs,
        },
    )


@permission_required("supervision.issue_order")
def order_new(request):
    """A new order, from a warning, a case or for a unit."""
    src = request.POST if request.method == "POST" else request.GET
    warning = selectors.warning_by_pk(_int(src.get("warning")))
    case = warning.case if warning else selectors.case_by_pk(_int(src.get("case")))
    errors: dict = {}
    if request.method == "POST":
        unit = org_selectors.unit_by_pk(_int(src.get("unit"))) if not case else None
        try:
            order = orders.order_issue(
                acting_user=request.user,
                content=src.get("content", ""),
                response_days=_int(src.get("response_days")),
                case=case,
                unit=unit,
                rule=src.get("rule", ""),
                warning=warning,
            )
            messages.success(request, "已督办。")
            return redirect("supervision:order_detail", order.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = error_dict(exc)
    return render(
        request,
        "supervision/order_new.html",
        {
            "warning": warning,
            "case": case,
            "units": org_selectors.units_in_reform(),
            "errors": errors,
            "post": src,
        },
        status=400 if errors else 200,
    )


@permission_required("supervision.view_orders")
def order_detail(request, order_id: int):
    order = selectors.order_get_for_user(order_id, user=request.user)
    return render(
        request,
        "supervision/order_detail.html",
        {"order": order},
    )


@require_POST
@permission_required("supervision.view_orders")
def order_act(request, order_id: int, action: str):
    order = selectors.order_get_for_user(order_id, user=request.user)
    try:
        if action == "respond":
            orders.order_respond(
                acting_user=request.user, order=order, response=request.POST.get("response", "")
            )
            messages.success(request, "已反馈。")
        elif action == "close":
            orders.order_close(
                acting_user=request.user, order=order, result=request.POST.get("result", "")
            )
            messages.success(request, "督办已办结。")
        else:
            raise Http404("没有这个操作。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能办理：{error_text(exc)}")
    return redirect("supervision:order_detail", order.pk)


def _int(value) -> int:
    return parse_int(value, default=0)


# --- 异常办件 ---------------------------------------------------------------------------------


@permission_required("supervision.view_anomalies")
def anomaly_list(request):
    rows = selectors.anomaly_list_for_user(user=request.user)
    rule, state = request.GET.get("rule", ""), request.GET.get("state", "")
    if rule in Anomaly.Rule.values:
        rows = rows.filter(rule=rule)
    if state in Anomaly.State.values:
        rows = rows.filter(state=state)
    # Anomalies grow with the cases: counted up to CAP, so the page costs the same at any size.
    rows = page = page_of(rows.order_by("-detected_on", "-id"), request.GET, cap=CAP)
    return render(
        request,
        "supervision/anomalies.html",
        {
            "rows": [(a, anomalies.evidence_text(a.rule, a.evidence)) for a in rows[:300]],
            "rule": rule,
            "state": state,
            "rules": Anomaly.Rule.choices,
            "states": Anomaly.State.choices,
            "page": page,
        },
    )


@require_POST
@permission_required("supervision.view_anomalies")
def anomaly_act(request, anomaly_id: int, action: str):
    anomaly = selectors.anomaly_get_for_user(anomaly_id, user=request.user)
    try:
        if action == "explain":
            anomalies.anomaly_explain(
                acting_user=request.user, anomaly=anomaly, text=request.POST.get("text", "")
            )
            messages.success(request, "已提交说明。")
        elif action == "confirm":
            anomalies.anomaly_confirm(acting_user=request.user, anomaly=anomaly)
            messages.success(request, "已认定。")
        else:
            raise Http404("没有这个操作。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能办理：{error_text(exc)}")
    return redirect("supervision:anomalies")


# --- 好差评 -----------------------------------------------------------------------------------


@permission_required("supervision.view_tickets")
def ticket_list(request):
    tickets = selectors.ticket_list_for_user(user=request.user)
    page = page_of(tickets.order_by("state", "due_on", "id"), request.GET)
    return render(
        request,
        "supervision/tickets.html",
        {"rows": page, "page": page, "targets": ratings.targets(tickets)},
    )


@permission_required("supervision.view_tickets")
def ticket_detail(request, ticket_id: int):
    ticket = selectors.ticket_get_for_user(ticket_id, user=request.user)
    return render(
        request,
        "supervision/ticket_detail.html",
        {
            "ticket": ticket,
            "outcomes": Ticket.Outcome.choices,
        },
    )


@require_POST
@permission_required("supervision.view_tickets")
def ticket_act(request, ticket_id: int, action: str):
    ticket = selectors.ticket_get_for_user(ticket_id, user=request.user)
    p, user = request.POST, request.user
    steps = {
        "callback": lambda: ratings.callback(
            acting_user=user, ticket=ticket, note=p.get("note", "")
        ),
        "verify": lambda: ratings.verify(
            acting_user=user, ticket=ticket, true=p.get("true") == "1", note=p.get("note", "")
        ),
        "finish": lambda: ratings.finish(
            acting_user=user, ticket=ticket, outcome=p.get("outcome", ""), note=p.get("note", "")
        ),
        "appeal": lambda: ratings.appeal(acting_user=user, ticket=ticket, reason=p.get("note", "")),
        "decide_appeal": lambda: ratings.decide_appeal(
            acting_user=user, ticket=ticket, agree=p.get("agree") == "1", note=p.get("note", "")
        ),
    }
    if action not in steps:
        raise Http404("没有这个操作。")
    try:
        steps[action]()
        messages.success(request, "已登记。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能办理：{error_text(exc)}")
    return redirect("supervision:ticket_detail", ticket.pk)


# --- 考核 -------------------------------------------------------------------------------------


@permission_required("supervision.view_appraisal")
def appraisal_page(request):
    today = timezone.localdate()
    period = request.GET.get("period") or f"{today:%Y-%m}"
    level = request.GET.get("level", "unit")
    rows, error = [], ""
    try:
        rows = appraisal.appraise(period, level)
    except ValidationError as exc:
        error = "；".join(exc.messages)
    scope = visible_unit_ids(request.user)
    if scope is not None:
        mine = {k for unit_id in scope for k in appraisal.keys_of_unit(unit_id, level)}
        rows = [r for r in rows if r.key in mine]
    return render(
        request,
        "supervision/appraisal.html",
        {
            "rows": appraisal.table(rows, level) if level in appraisal.LEVELS else [],
            "headers": appraisal.HEADERS,
            "period": period,
            "level": level,
            "error": error,
            "units": org_selectors.units_in_reform()
            if scope is None
            else org_selectors.units_by_pks(scope),
        },
        status=400 if error else 200,
    )


@permission_required("supervision.view_appraisal")
def appraisal_dispatched(request):
    """派驻人员考核 for the home unit, as XLSX or (`format=pdf`) PDF."""
    scope = visible_unit_ids(request.user)
    if scope is None:
        unit_id = query_int(request.GET, "unit", label="派出单位")
    else:
        unit_id = scope[0] if scope else None
    unit = org_selectors.unit_by_pk(unit_id)
    if unit is None:
        raise Http404("请选择派出单位。")
    period = request.GET.get("period", "")
    kind = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    render_report = appraisal.dispatched_pdf if kind == "pdf" else appraisal.dispatched_xlsx
    try:
        content = render_report(unit, period)
    except ValidationError as exc:
        return HttpResponseBadRequest("；".join(exc.messages))
    return download(content, f"{unit.short_name or unit.name}派驻人员考核-{period}.{kind}", kind)


# --- 看板 -------------------------------------------------------------------------------------


@permission_required("supervision.view_dashboard")
def dashboard_page(request, wall: bool = False):
    data = dashboard.overview(request.user)
    chart = dashboard.chart_data(data)
    template = "supervision/wall.html" if wall else "supervision/dashboard.html"
    return render(request, template, {**data, "chart": chart})


@permission_required("supervision.view_dashboard")
def dashboard_cases(request):
    """Drill-down: the cases behind a figure."""
    light = request.GET.get("light", "")
    unit_id = query_int(request.GET, "unit", label="单位")
    # Paged, and counted up to CAP: the figure behind a light can be tens of thousands of cases.
    page = page_of(dashboard.drill(request.user, light, unit_id), request.GET, cap=CAP)
    return render(
        request,
        "supervision/dashboard_cases.html",
        {
            "rows": page,
            "page": page,
            "light": Light(light).label if light in Light.values and light else "全部",
        },
    )
