"""Reads of the catalogue. Staff reads are scoped by unit; public reads see published items."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from onewindow.catalog import search
from onewindow.catalog.codes import APPLICATION_BASED, item_code_problem
from onewindow.catalog.elements import LABELS
from onewindow.catalog.models import CombinedMember, CombinedService, Item, LifeEvent, Material
from onewindow.catalog.placeholders import placeholder_elements
from onewindow.common.parsing import query_int
from onewindow.org.models import Unit, User
from onewindow.org.permissions import scope_to_unit


def item_list_for_user(*, user: User) -> QuerySet[Item]:
    return scope_to_unit(Item.objects.select_related("unit", "parent"), user)


def hall_approvals(item: Item):
    """The approvals recorded for the item's withdrawal or hall departures."""
    return item.hall_approvals.select_related("recorded_by")


def by_code(qs: QuerySet[Item], code: str) -> Item | None:
    """The item of `qs` with this national or local implementation code (the national one
    first, should one item's local code equal another's national code)."""
    code = (code or "").strip()
    if not code:
        return None
    hits = list(qs.filter(Q(implementation_code=code) | Q(local_implementation_code=code))[:2])
    return next((i for i in hits if i.implementation_code == code), hits[0] if hits else None)


def item_get_by_code_for_user(code: str, *, user: User) -> Item:
    """An item the user may read, by its national or local implementation code (404 otherwise)."""
    item = by_code(item_list_for_user(user=user), code)
    if item is None:
        raise Http404("没有找到该事项，或您无权查看。")
    return item


def item_get_for_user(item_id: int, *, user: User) -> Item:
    item = (
        item_list_for_user(user=user)
        .prefetch_related("materials", "life_events", "children")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404("没有找到该事项，或您无权查看。")
    return item


def item_filter(qs: QuerySet[Item], *, params) -> QuerySet[Item]:
    """Apply the list filters of the catalogue pages and the API (unit, type, status ...)."""
    unit = query_int(params, "unit", label="单位")
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if params.get("type"):
        qs = qs.filter(item_type=params["type"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("hall"):
        qs = qs.filter(hall_status=params["hall"])
    if params.get("kind"):
        qs = qs.filter(case_kind=params["kind"])
    if params.get("event"):
        qs = qs.filter(life_events__code=params["event"])
    return qs


# A search ranks at most this many hits (in Python); a page says so when more matched.
SEARCH_CAP = 500


def _search_matches(qs: QuerySet, query: str) -> QuerySet:
    """The matches, those whose name holds the query first (search.rank's first tier), so that
    a cap cuts the weaker matches (keywords, pinyin), not arbitrary ones."""
    cond = Q(name__icontains=query)
    if hasattr(qs.model, "keywords"):
        cond |= Q(keywords__icontains=query)
    if hasattr(qs.model, "local_implementation_code") and search.looks_like_code(query):
        cond |= (
            Q(implementation_code__icontains=query)
            | Q(basic_code__icontains=query)
            | Q(local_implementation_code__icontains=query)
            | Q(local_basic_code__icontains=query)
        )
    pattern = search.initials_pattern(query)
    if pattern:
        cond |= Q(initials__regex=pattern) | Q(pinyin__contains=query.lower())
    in_name = Case(When(name__contains=query, then=Value(0)), default=Value(1))
    return qs.filter(cond).annotate(search_tier=in_name).order_by("search_tier", "pk").distinct()


def _ranked(hits: list, query: str) -> list:
    """Best first: an item whose whole code is the query, then by search.rank."""
    q = query.strip()

    def key(i):
        exact = q in (getattr(i, "implementation_code", None), getattr(i, "code", None))
        return (not exact, search.rank(query, i.name, i.initials, i.pinyin))

    return sorted(hits, key=key)


def item_search(qs: QuerySet, query: str) -> list:
    """Items (or combined services) whose name, keywords or pinyin match, best match first.

    Pinyin initials match in order with gaps, so `jzxk` finds 建筑工程施工许可 (jzgcsgxk).
    """
    query = query.strip()
    if not query:
        return list(qs)
    return _ranked(list(_search_matches(qs, query)[:SEARCH_CAP]), query)


def item_search_counted(qs: QuerySet, query: str, *, cap: int | None = None) -> tuple[list, int]:
    """item_search's best `cap` (SEARCH_CAP) hits, and how many matched in all (more than `cap`
    when the list was cut: the page says so and asks for a narrower query)."""
    query = query.strip()
    cap = SEARCH_CAP if cap is None else cap
    matches = _search_matches(qs, query)
    hits = list(matches[: cap + 1])
    total = len(hits) if len(hits) <= cap else matches.count()
    return _ranked(hits[:cap], query), total


# --- public -------------------------------------------------------------------------------


def public_items() -> QuerySet[Item]:
    return Item.objects.filter(status=Item.Status.PUBLISHED).select_related("unit")


def public_item_get(code: str) -> Item:
    """A published item by its national or local implementation code (404 otherwise)."""
    qs = (
        public_items()
        .select_related("parent")
        .prefetch_related(
            "life_events",
            "materials",
            Prefetch("children", queryset=Item.objects.filter(status=Item.Status.PUBLISHED)),
            Prefetch(
                "combined_services",
                queryset=CombinedService.objects.filter(status=CombinedService.Status.PUBLISHED),
            ),
        )
    )
    item = by_code(qs, code)
    if item is None:
        raise Http404("没有找到该事项，它可能尚未发布或已撤销。")
    return item


def public_combined() -> QuerySet[CombinedService]:
    return CombinedService.objects.filter(status=CombinedService.Status.PUBLISHED).select_related(
        "lead_unit"
    )


def public_combined_list() -> QuerySet[CombinedService]:
    """Published combined services with what their promise needs (members' items)."""
    return public_combined().prefetch_related("members__item")


def combined_get(service_id: int, *, public: bool) -> CombinedService:
    qs = public_combined() if public else CombinedService.objects.select_related("lead_unit")
    service = (
        qs.prefetch_related(
            Prefetch(
                "members",
                queryset=CombinedMember.objects.select_related("item__unit").prefetch_related(
                    "item__materials"
                ),
            ),
            "life_events",
        )
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise Http404("没有找到该一件事，或它尚未发布。")
    return service


def units_with_public_items() -> QuerySet[Unit]:
    return (
        Unit.objects.annotate(
            published=Count("items", filter=Q(items__status=Item.Status.PUBLISHED))
        )
        .filter(published__gt=0)
        .order_by("id")
    )


def life_event_by_code(code: str) -> LifeEvent | None:
    return LifeEvent.objects.filter(code=code).first()


def public_material_get(material_id: int) -> Material:
    """A published item's material, for its blank form or sample file (404 otherwise)."""
    return get_object_or_404(
        Material.objects.select_related("item"), pk=material_id, item__status="published"
    )


def life_events_named(names: list[str]) -> dict[str, LifeEvent]:
    return {e.name: e for e in LifeEvent.objects.filter(name__in=names)}


def combined_list() -> QuerySet[CombinedService]:
    """Every 一件事 with its lead unit and members (the staff list)."""
    return CombinedService.objects.select_related("lead_unit").prefetch_related(
        "members__item__unit"
    )


def life_events_with_counts() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(
        published=Count("items", filter=Q(items__status=Item.Status.PUBLISHED), distinct=True)
        + Count(
            "combined_services",
            filter=Q(combined_services__status=CombinedService.Status.PUBLISHED),
            distinct=True,
        )
    )


@dataclass
class MergedMaterial:
    """One line of a combined service's material list: asked for once, used by several items."""

    name: str
    issuer: str
    originals: int
    copies: int
    required: bool
    is_main: bool
    rongque: bool
    source: str
    standard: str
    materials: list[Material] = field(default_factory=list)
    item_names: list[str] = field(default_factory=list)


def _material_key(name: str) -> str:
    # “营业执照（副本）” and “营业执照副本” are the same paper; brackets and spaces do not count.
    return "".join(ch for ch in name if ch not in "（）() 　")


def merged_materials(service: CombinedService) -> list[MergedMaterial]:
    """The combined service's one list: a material several member items need appears once,
    with the largest number of originals and copies any of them asks for; shared materials
    first."""
    merged: dict[str, MergedMaterial] = {}
    for member in service.members.all():
        for m in member.item.materials.all():
            key = _material_key(m.name)
            line = merged.get(key)
            if line is None:
                line = merged[key] = MergedMaterial(
                    name=m.name,
                    issuer=m.issuer,
                    originals=m.originals,
                    copies=m.copies,
                    required=m.required,
                    is_main=m.is_main,
                    rongque=m.rongque,
                    source=m.get_source_display(),
                    standard=m.standard,
                )
            else:
                line.originals = max(line.originals, m.originals)
                line.copies = max(line.copies, m.copies)
                line.required = line.required or m.required
                line.is_main = line.is_main or m.is_main
                line.rongque = line.rongque and m.rongque and not line.is_main
            line.materials.append(m)
            if member.item.name not in line.item_names:
                line.item_names.append(member.item.name)
    return sorted(merged.values(), key=lambda line: -len(line.item_names))


# --- catalogue check (核查, S3) ------------------------------------------------------------


@dataclass
class Finding:
    item: Item
    rule: str
    reason: str


CHECK_RULES = {
    "promised_not_shorter": "承诺时限未短于法定时限",
    "online_not_in_hall": "已在网上大厅发布但未进驻实体大厅，也未经批准不进驻",
    "missing_materials": "缺少申请材料",
    "missing_basis": "缺少设定依据",
    "missing_conditions": "缺少受理条件",
    "invalid_code": "编码无效",
    "duplicate_code": "编码重复",
    "placeholder_text": "必填要素为占位文字",
    "orphan_child": "上级事项缺失",
    "exempt_without_approval": "不进驻但无批准文件",
    "not_supervised": "未纳入电子监察",
}


def catalogue_check(*, user: User, unit_id: int | None = None) -> dict[Unit, list[Finding]]:
    """Every problem the reform office must have corrected, grouped by unit, with a reason."""
    items = list(
        item_list_for_user(user=user)
        .exclude(status=Item.Status.WITHDRAWN)
        .annotate(material_count=Count("materials", filter=Q(materials__retired_at=None)))
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.only("id", "item_id", "order", "name"))
        )
        .order_by("unit_id", "basic_code", "id")
    )
    if unit_id is not None:
        items = [i for i in items if i.unit_id == unit_id]
    by_code: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in items:
        if item.basic_code:
            by_code[(item.unit_id, item.basic_code)].append(item)
        elif item.local_basic_code:  # a local-only item: its local basic code stands in
            by_code[(item.unit_id, "local:" + item.local_basic_code)].append(item)
    findings: dict[Unit, list[Finding]] = defaultdict(list)

    def add(item: Item, rule: str, reason: str) -> None:
        findings[item.unit].append(Finding(item, CHECK_RULES[rule], reason))

    for item in items:
        # Promised above legal cannot be stored (a database constraint); equal to legal means
        # the unit has not compressed the limit as the reform asks.
        if item.legal_limit and item.promised_limit >= item.legal_limit:
            add(
                item,
                "promised_not_shorter",
                f"承诺{item.promised_limit}个工作日，未短于法定{item.legal_limit}个工作日，"
                "应在法定时限基础上压缩。",
            )
        if item.online_hall and item.hall_status == Item.HallStatus.NOT_YET:
            add(
                item,
                "online_not_in_hall",
                "应进驻实体大厅窗口受理；确需不进驻的，须报县政府批准。",
            )
        if item.item_type in APPLICATION_BASED:
            if item.material_count == 0:
                add(item, "missing_materials", "依申请事项必须列明申请材料。")
            if not item.conditions.strip():
                add(item, "missing_conditions", "依申请事项必须写明受理条件。")
        if not item.legal_basis.strip():
            add(item, "missing_basis", "须写明设定依据（法律、法规、规章条款）。")
        problem = item_code_problem(item)
        if problem:
            add(item, "invalid_code", problem)
        key = item.basic_code or ("local:" + item.local_basic_code if item.local_basic_code else "")
        twins = by_code[(item.unit_id, key)] if key else []
        if len(twins) > 1:
            others = "、".join(t.name for t in twins if t.pk != item.pk)
            which = "基本编码" if item.basic_code else "地方基本编码"
            add(item, "duplicate_code", f"本单位另有事项使用同一{which}：{others}。")
        for label, text in placeholder_elements(item):
            add(
                item,
                "placeholder_text",
                f"{label}填写的是占位文字“{text}”，不是实际内容，请写明具体{label}。",
            )
        if item.relation in (Item.Relation.SUB, Item.Relation.BUSINESS):
            if item.parent is None:
                add(item, "orphan_child", f"{item.get_relation_display()}未关联上级事项。")
            elif item.parent.status == Item.Status.WITHDRAWN:
                add(item, "orphan_child", f"上级事项“{item.parent.name}”已撤销。")
        if item.hall_status == Item.HallStatus.EXEMPT and not (
            item.exempt_doc_no.strip() and item.exempt_date
        ):
            add(item, "exempt_without_approval", "不进驻实体大厅须有县政府批准文号和日期。")
        if item.status == Item.Status.PUBLISHED and not item.supervised:
            add(item, "not_supervised", "已发布事项应纳入电子监察（S9）。")
    return dict(sorted(findings.items(), key=lambda kv: kv[0].pk))


def item_history(item: Item, *, limit: int = 50) -> list[tuple]:
    """The item's versions, newest first, each with its changes as (label, old, new) rows."""
    rows = []
    for version in item.versions.select_related("actor")[:limit]:
        changes = []
        for key, value in version.changes.items():
            if key == "_note":
                changes.append(("说明", None, value))
            elif key == "materials":
                old, new = value
                changes.append(("申请材料", f"{len(old)}项", f"{len(new)}项"))
                changes.extend(_material_changes(old, new))
            else:
                changes.append((LABELS.get(key, key), _shown(value[0]), _shown(value[1])))
        rows.append((version, changes))
    return rows


def _shown(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v.get("kind", v)) if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def _material_changes(old: list[dict], new: list[dict]) -> list[tuple]:
    before = {m["name"]: m for m in old}
    after = {m["name"]: m for m in new}
    rows = [("新增材料", None, name) for name in after if name not in before]
    rows += [("删除材料", None, name) for name in before if name not in after]
    rows += [
        ("修改材料", None, name) for name in after if name in before and after[name] != before[name]
    ]
    return rows


def item_for_application(item_id: int) -> Item:
    """The item a window files an application for, with its material list (404 if unknown)."""
    item = Item.objects.prefetch_related("materials").filter(pk=item_id).first()
    if item is None:
        raise Http404("没有这个事项。")
    return item


def combined_for_application(service_id: int) -> CombinedService:
    """A published 一件事 a window files an application for (404 otherwise)."""
    service = CombinedService.objects.filter(pk=service_id, status="published").first()
    if service is None:
        raise Http404("没有这个一件事，或尚未发布。")
    return service


def item_by_implementation_code(code: str) -> Item | None:
    """An item by its national or local implementation code."""
    return by_code(Item.objects.all(), code)


def combined_service(service_id: int) -> CombinedService | None:
    return CombinedService.objects.filter(pk=service_id).first()


def member_unit_ids(service: CombinedService) -> list[int]:
    return list(service.members.values_list("item__unit_id", flat=True))


def window_items(unit_ids, query: str) -> list[Item]:
    """Published items of the units a window serves that match a name or pinyin initials."""
    return list(item_search(public_items().filter(unit_id__in=unit_ids), query)[:20])


def window_combined(unit_ids, query: str) -> list[CombinedService]:
    """一件事 whose every member unit the window serves (a comprehensive window takes them)."""
    return [
        s
        for s in item_search(public_combined_list(), query)
        if {m.item.unit_id for m in s.members.all()} <= set(unit_ids)
    ]
