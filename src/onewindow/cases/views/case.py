"""The case page and its one action endpoint: both read the move registry, so the page offers
exactly the moves its user may make now and the endpoint takes exactly those."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onewindow.cases import notices, selectors, timeline
from onewindow.cases.actions import offers, perform, read_form
from onewindow.cases.actions.case_actions import ACTIONS, BY_NAME
from onewindow.cases.models import CaseMaterial, TechReview
from onewindow.cases.permissions import Actor
from onewindow.cases.workflow import ENDED, RATEABLE
from onewindow.catalog.models import SPECIAL_PROCEDURES
from onewindow.common.errors import error_dict, error_text
from onewindow.common.parsing import parse_int
from onewindow.documents import download
from onewindow.org.access import permission_required
from onewindow.org.permissions import allows


def case_offers(user, case, day) -> tuple[list, list]:
    """The moves the user may make now, and those the state allows that others must make (shown,
    with who may, to the staff of the case's own unit)."""
    found = offers(ACTIONS, Actor(user, day), case)
    mine = [o for o in found if o.allowed]
    staff = getattr(user, "staff", None)
    colleague = staff is not None and staff.unit_id == case.unit_id
    others = [o for o in found if not o.allowed and o.action.show_refused and colleague]
    return mine, others


@permission_required("cases.view_case")
def case_detail(request, case_id: int):
    case = selectors.case_get_for_user(case_id, user=request.user)
    failed = request.session.pop(_failed_key(case), None)
    return _page(request, case, failed)


def _failed_key(case) -> str:
    return f"case-failed-{case.pk}"


# Typed input not kept for the form shown again: a personal number stays out of the session.
NOT_KEPT = {"csrfmiddlewaretoken", "version", "recipient_id"}


def _page(request, case, failed: dict | None = None):
    """The case page; `failed`: the action whose form came back refused, with its errors by
    field and what was typed (shown again in that form)."""
    today = timezone.localdate()
    # Read once, kept on the case: the offers (an open review) and the history read them too.
    prefetch_related_objects([case], "tech_reviews")
    reviews = list(case.tech_reviews.all())
    materials = list(case.materials.select_related("material"))
    mine, others = case_offers(request.user, case, today)
    events = list(timeline.events_of([case], by_seq=True))
    printable = notices.available(case, seen={e.action for e in events})
    history = timeline.sentences(
        case,
        events,
        timeline.context(case, materials=materials, reviews=reviews, printable=printable),
    )
    standing = selectors.time_left(case, today)
    forms = [_form(o, failed, case) for o in mine]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "materials": materials,
            "problem_states": (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFECTIVE),
            "history": history,
            "forms": forms,
            "others": others,
            "notices": [(k, notices.TITLES[k]) for k in printable],
            "posts": selectors.posts_of(request.user),
            "standing": standing,
            "headline": timeline.headline(case, standing),
            "procedures": SPECIAL_PROCEDURES.items(),
            "today": today,
            "reviews": reviews,
            "review_kinds": TechReview.Kind.choices,
            "ended_states": ENDED,
            # The tablet at the window asks the applicant to rate a case that has ended there.
            "rateable": case.state in RATEABLE and allows(request.user, "supervision.offer_rating"),
        },
    )


def _form(offer, failed: dict | None, case=None) -> dict:
    """One action's form: its errors by field and the input kept when it was the one refused;
    送达 starts from the delivery the applicant chose when applying online."""
    if failed is None or failed["action"] != offer.action.name:
        kept = wish_kept(case) if case is not None and offer.action.name == "deliver" else {}
        return {"offer": offer, "kept": kept, "errors": {}, "general": []}
    errors = dict(failed["errors"])
    fields = offer.action.schema.model_fields
    # Messages about a field the form shows go next to it; the others head the form.
    general = errors.pop("__all__", [])
    for name in [n for n in errors if n not in fields]:
        general += errors.pop(name)
    return {"offer": offer, "kept": failed["posted"], "errors": errors, "general": general}


def wish_kept(case) -> dict[str, str]:
    """The 送达 form's starting values from the applicant's delivery wish (Case.delivery_wish):
    the mode, and for mail the address with the recipient and their phone, as the courier needs
    them."""
    wish = case.delivery_wish or {}
    if wish.get("mode") == "mail":
        who = "，".join(x for x in (wish.get("recipient", ""), wish.get("phone", "")) if x)
        address = wish.get("address", "") + (f"（收件人：{who}）" if who else "")
        return {"mode": "mail", "address": address}
    if wish.get("mode") == "collect":
        return {"mode": "collect"}
    return {}


@require_POST
@permission_required("cases.act")
def case_act(request, case_id: int, action: str):
    """Every action form of the case page posts here; the service decides whether it may. When
    it refuses, the page it redirects to shows the reason above and next to the field, with the
    input kept."""
    case = selectors.case_get_for_user(case_id, user=request.user)
    chosen = BY_NAME.get(action)
    if chosen is None:
        raise Http404("没有这个操作。")
    try:
        data = read_form(chosen, request.POST, request.FILES, case)
        before = set(notices.available(case))
        moved = perform(
            chosen,
            user=request.user,
            subject=case,
            data=data,
            version=parse_int(request.POST.get("version")),
            files=request.FILES,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未能{chosen.label}：{error_text(exc)}")
        # Shown once by the page the browser is sent back to (post/redirect/get).
        request.session[_failed_key(case)] = {
            "action": chosen.name,
            "errors": error_dict(exc),
            "posted": {k: v for k, v in request.POST.items() if k not in NOT_KEPT},
        }
        return redirect("cases:detail", case.pk)
    made = [notices.TITLES[k] for k in notices.available(moved) if k not in before]
    printable = "".join(f"《{t}》" for t in made)
    messages.success(request, chosen.done_text + (f"可打印{printable}。" if made else ""))
    return redirect("cases:detail", case.pk)


@permission_required("cases.read_notice")
def case_notice(request, case_id: int, kind: str):
    case = selectors.case_get_for_reader(case_id, user=request.user)
    if kind not in notices.available(case):
        raise Http404("该办件目前没有这种文书。")
    content = notices.render(case, kind, base_url=request.build_absolute_uri("/"))
    return download(content, f"{notices.TITLES[kind]}-{case.number or case.pk}.pdf", "pdf")
