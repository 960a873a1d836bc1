"""Hall set-up pages (the hall manager): window posts, their A/B people and units, the opening
hours; and the staff picker every staff field searches through. Thin: parse, call
`org.setup` or a selector, render."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from onewindow.common.parsing import parse_int
from onewindow.org import selectors, setup
from onewindow.org.access import permission_required
from onewindow.org.forms import ActiveForm, HoursForm, WindowPostForm
from onewindow.org.views import form_errors

FIELD = re.compile(r"^[a-z_]{1,30}$")


def _ints(values) -> set[int]:
    return {n for n in map(parse_int, values) if n is not None}


def _post_form(request, *, data=None, initial=None, with_hall=True, find=None, post=None):
    url = reverse("org:staff_pick")
    if post is not None:
        url += f"?hall={post.hall_id}"
    form = WindowPostForm(
        data,
        initial=initial,
        halls=selectors.halls(),
        units=selectors.all_units(),
        staff=selectors.staff_for_post_form(post),
        pick_url=url,
        with_hall=with_hall,
    )
    source = find if find is not None else data
    if source is not None:
        hall = selectors.hall_by_pk(post.hall_id if post else _first_int(source.get("hall")))
        wanted = setup.assignable_unit_ids(
            kind=source.get("kind", ""), unit_ids=_ints(source.getlist("units")), hall=hall
        )
    elif post is not None:
        wanted = setup.assignable_unit_ids(
            kind=post.kind, unit_ids=[u.pk for u in post.units.all()], hall=post.hall
        )
    else:
        wanted = set()
    form.setup_pickers(user=request.user, find=find, unit_ids=wanted)
    return form


def _first_int(value):
    return parse_int(value)


def _initial(data) -> dict:
    """A POSTed form's values as initial data, for redisplaying it after 查找 without errors."""
    out = {k: data.get(k) for k in data if k != "units"}
    out["units"] = data.getlist("units")
    return out


def _warn_cover(request, post) -> None:
    """Saved, but the B person cannot actually cover: they are A at another window."""
    elsewhere = selectors.a_posts_elsewhere(post)
    if elsewhere:
        names = "、".join(str(p) for p in elsewhere)
        messages.warning(
            request,
            f"注意：B岗{post.staff_b.name}同时是{names}的A岗，须在本岗；"
            "本窗口A岗请假时无人顶岗，建议另选B岗人员。",
        )


@permission_required("org.manage_windows")
def window_post_new(request):
    finding = request.method == "POST" and "_find" in request.POST
    if finding:
        form = _post_form(request, initial=_initial(request.POST), find=request.POST)
    elif request.method == "POST":
        form = _post_form(request, data=request.POST)
    else:
        form = _post_form(request, initial={"hall": request.GET.get("hall")})
    loose: list[str] = []
    if request.method == "POST" and not finding and form.is_valid():
        try:
            post = setup.window_post_add(acting_user=request.user, **form.cleaned_data)
            messages.success(request, f"已新设{post}。")
            _warn_cover(request, post)
            return redirect("org:window_post", post.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    bad = request.method == "POST" and not finding
    return render(
        request,
        "org/window_post_new.html",
        {"form": form, "loose_errors": loose},
        status=400 if bad else 200,
    )


@permission_required("org.manage_windows")
def window_post(request, post_id: int):
    """One post: its facts, the edit form, open/close, and every change made to it."""
    post = selectors.window_post_get(post_id)
    finding = request.method == "POST" and "_find" in request.POST
    if finding:
        form = _post_form(
            request, initial=_initial(request.POST), find=request.POST, with_hall=False, post=post
        )
    elif request.method == "POST":
        form = _post_form(request, data=request.POST, with_hall=False, post=post)
    else:
        form = _post_form(
            request,
            initial={
                "number": post.number,
                "name": post.name,
                "kind": post.kind,
                "units": [u.pk for u in post.units.all()],
                "staff_a": post.staff_a_id,
                "staff_b": post.staff_b_id,
            },
            with_hall=False,
            post=post,
        )
    loose: list[str] = []
    if request.method == "POST" and not finding and form.is_valid():
        try:
            changes = setup.window_post_edit(
                acting_user=request.user, post=post, **form.cleaned_data
            )
            if changes:
                post.refresh_from_db()
                _warn_cover(request, post)
                messages.success(
                    request, "已保存：" + "；".join(f"{c[0]}改为{c[2]}" for c in changes)
                )
            else:
                messages.info(request, "没有修改任何内容。")
            return redirect("org:window_post", post.pk)
        except ValidationError as exc:
            loose = form_errors(form, exc)
    bad = request.method == "POST" and not finding
    return render(
        request,
        "org/window_post.html",
        {
            "post": post,
            "form": form,
            "loose_errors": loose,
            "active_form": ActiveForm(),
            "changes": selectors.setup_changes_of(post),
        },
        status=400 if bad else 200,
    )


@require_POST
@permission_required("org.manage_windows")
def window_post_active(request, post_id: int):
    post = selectors.window_post_get(post_id)
    form = ActiveForm(request.POST)
    active = request.POST.get("active") == "1"
    if not form.is_valid():
        messages.error(request, "请写明" + ("启用" if active else "停用") + "原因（最多200字）。")
        return redirect("org:window_post", post.pk)
    try:
        setup.window_post_set_active(
            acting_user=request.user, post=post, active=active, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"{post}已" + ("启用。" if active else "停用。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("org:window_post", post.pk)


@permission_required("org.manage_windows")
def hall_hours(request):
    halls = list(selectors.halls())
    hall = selectors.hall_by_pk(_first_int(request.GET.get("hall"))) or (
        halls[0] if halls else None
    )
    if hall is None:
        raise Http404("还没有政务服务大厅。")
    form = HoursForm(request.POST or None, initial=HoursForm.initial_from(hall.hours))
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["text"]
            if setup.hall_set_hours(acting_user=request.user, hall=hall, hours=text):
                messages.success(request, f"{hall}的办公时间已改为：{text}")
            else:
                messages.info(request, "办公时间没有变化。")
            return redirect(reverse("org:hall_hours") + f"?hall={hall.pk}")
        except ValidationError as exc:
            loose = form_errors(form, exc)
    return render(
        request,
        "org/hall_hours.html",
        {
            "hall": hall,
            "halls": halls,
            "form": form,
            "loose_errors": loose,
            "parsed": HoursForm.initial_from(hall.hours).get("am_start") is not None,
            "changes": selectors.hall_hours_changes(hall),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@permission_required("org.pick_staff")
def staff_pick(request):
    """The picker's matches as a fragment: a select of at most 20 people of the units the user
    may assign, the current choice kept, and how many match."""
    field = request.GET.get("field", "")
    if not FIELD.match(field):
        field = "staff"
    query = request.GET.get(f"{field}_q", request.GET.get("q", ""))[:50]
    requested = _ints(request.GET.getlist("units")) | _ints(request.GET.getlist("unit"))
    if "kind" in request.GET:
        hall = selectors.hall_by_pk(_first_int(request.GET.get("hall")))
        requested = setup.assignable_unit_ids(
            kind=request.GET["kind"], unit_ids=requested, hall=hall
        )
    units = selectors.pickable_unit_ids(user=request.user, requested=requested)
    people, total = selectors.staff_pick(unit_ids=units, query=query)
    current = selectors.staff_for_picker(pk=request.GET.get(field))
    if current is not None and current.unit_id not in units:
        current = None
    return render(
        request,
        "org/_staff_options.html",
        {
            "name": field,
            "id": f"id_{field}",
            "p": {
                "query": query,
                "current": current,
                "people": [s for s in people if current is None or s.pk != current.pk],
                "total": total,
                "limit": selectors.PICK_LIMIT,
                "required": request.GET.get("required") == "1",
            },
        },
    )
