"""Catalogue API: public reads of published items and combined services; writes for the
reform office (and window supervisors for their own unit's items), through the services."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from onewindow.catalog import selectors, services, transfer
from onewindow.catalog.models import Item, LifeEvent
from onewindow.common import import_report
from onewindow.common.schemas import Id, Pages, Problem
from onewindow.org import selectors as org_selectors
from onewindow.org.permissions import allows

router = Router(tags=["事项库"])


class MaterialOut(Schema):
    id: int
    order: int
    name: str
    issuer: str
    originals: int
    copies: int
    required: bool
    form: str
    source: str
    sharing_unit: str
    standard: str
    is_main: bool
    rongque: bool


class ItemSummary(Schema):
    code: str = Field(description="事项的标识：实施编码，只有地方编码的事项为地方实施编码")
    implementation_code: str = Field(description="实施编码（国家编码规则）；可为空")
    basic_code: str = Field(description="基本编码（国家编码规则）；可为空")
    local_implementation_code: str = Field(description="省级事项库的地方实施编码；可为空")
    local_basic_code: str = Field(description="省级事项库的地方基本编码；可为空")
    library_version: str = Field(description="事项在省级事项库中的版本号")
    name: str
    item_type: str
    item_type_label: str = Field(alias="get_item_type_display")
    unit: str = Field(alias="unit.name")
    case_kind: str
    legal_limit: int
    promised_limit: int
    visits: int
    fee_free: bool
    status: str


class ItemDetail(ItemSummary):
    relation: str
    parent: str | None = Field(None, alias="parent.code")
    level: str
    handling_forms: str
    online_depth: int
    fee_standard: str
    fee_basis: str
    legal_basis: str
    conditions: str
    process: str
    service_objects: str
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    special_procedures: list[dict[str, Any]]
    faq: str
    online_hall: bool
    hall_status: str
    supervised: bool
    version: int
    materials: list[MaterialOut]
    life_events: list[str]

    @staticmethod
    def resolve_materials(obj):
        return list(obj.materials.all())

    @staticmethod
    def resolve_life_events(obj):
        return [e.name for e in obj.life_events.all()]


class ItemFilters(Schema):
    q: str = Field("", description="名称、关键词、拼音首字母（如 jzxk）或事项编码的一部分")
    unit: Id | None = None
    type: str | None = Field(None, description="事项类型代码，如 01")
    event: str | None = Field(None, description="主题代码，如 birth")


@router.get("/items", response=list[ItemSummary], auth=None, summary="已发布事项列表")
@paginate(Pages, page_size=50)
def list_items(request, filters: Query[ItemFilters]):
    qs = selectors.item_filter(selectors.public_items(), params=filters.dict())
    return selectors.item_search(qs, filters.q) if filters.q else qs.order_by("unit_id", "name")


@router.get("/items/{code}", response=ItemDetail, auth=None, summary="事项办事指南数据")
def get_item(request, code: str):
    return selectors.public_item_get(code)


class CombinedServiceOut(Schema):
    id: int
    name: str
    lead_unit: str = Field(alias="lead_unit.name")
    promised_limit: int = Field(
        alias="promise_days", description="承诺办结时限（工作日），不少于所含事项按阶段办理所需"
    )
    description: str
    items: list[str]

    @staticmethod
    def resolve_items(obj):
        return [m.item.code for m in obj.members.all()]


class MergedMaterialOut(Schema):
    name: str
    originals: int
    copies: int
    required: bool
    is_main: bool
    rongque: bool
    item_names: list[str]


class CombinedServiceDetail(CombinedServiceOut):
    materials: list[MergedMaterialOut]

    @staticmethod
    def resolve_materials(obj):
        return selectors.merged_materials(obj)


@router.get("/combined", response=list[CombinedServiceOut], auth=None, summary="一件事列表")
def list_combined(request):
    return selectors.public_combined_list()


@router.get(
    "/combined/{service_id}", response=CombinedServiceDetail, auth=None, summary="一件事详情"
)
def get_combined(request, service_id: Id):
    return selectors.combined_get(service_id, public=True)


# --- writes -------------------------------------------------------------------------------


class ItemMaterialIn(Schema):
    id: int | None = Field(
        None, description="要修改的已有材料的id（保持材料身份）；不填则按材料名称匹配或新增"
    )
    order: int = 0
    name: str
    issuer: str = ""
    originals: int = Field(1, ge=0)
    copies: int = Field(0, ge=0)
    required: bool = True
    form: str = "paper"
    source: str = "applicant"
    sharing_unit: str = ""
    standard: str = ""
    is_main: bool = True
    rongque: bool = False


class ItemIn(Schema):
    name: str
    basic_code: str = Field("", description="基本编码；只有地方编码的事项可不填")
    local_basic_code: str = Field("", description="省级事项库的地方基本编码")
    local_implementation_code: str = Field("", description="省级事项库的地方实施编码")
    library_version: str = Field("", description="事项在省级事项库中的版本号")
    item_type: str
    relation: str = "independent"
    parent: str | None = Field(None, description="上级事项的实施编码或地方实施编码")
    level: str = "4"
    legal_limit: int = Field(ge=0)
    promised_limit: int = Field(ge=0)
    case_kind: str
    handling_forms: str = "1"
    online_depth: int = 1
    visits: int = 1
    fee_free: bool = True
    fee_standard: str = ""
    fee_basis: str = ""
    legal_basis: str = ""
    conditions: str = ""
    process: str = ""
    service_objects: str = "自然人"
    place: str = ""
    hours: str = ""
    consult_phone: str = ""
    complaint_phone: str = ""
    special_procedures: list[dict[str, Any]] = []
    faq: str = ""
    keywords: str = ""
    life_events: list[str] = Field([], description="主题名称")
    materials: list[ItemMaterialIn] = []


class ItemCreate(ItemIn):
    unit: str = Field(description="实施主体的统一社会信用代码")


class ItemPatch(Schema):
    """Only the fields sent are changed; materials, when sent, are the whole new list: each
    one updates the material of its id (or, without one, of its name), a material left out
    is retired."""

    model_config = {"extra": "forbid"}
    name: str | None = None
    local_basic_code: str | None = None
    local_implementation_code: str | None = None
    library_version: str | None = None
    legal_limit: int | None = Field(None, ge=0)
    promised_limit: int | None = Field(None, ge=0)
    case_kind: str | None = None
    legal_basis: str | None = None
    conditions: str | None = None
    place: str | None = None
    hours: str | None = None
    consult_phone: str | None = None
    fee_free: bool | None = None
    fee_standard: str | None = None
    fee_basis: str | None = None
    faq: str | None = None
    keywords: str | None = None
    visits: int | None = None
    life_events: list[str] | None = None
    materials: list[ItemMaterialIn] | None = None


class Approval(Schema):
    doc_no: str
    approved_on: datetime.date
    approver: str
    reason: str


def _events(names: list[str]) -> list[LifeEvent]:
    found = selectors.life_events_named(names)
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ValidationError({"life_events": [f"主题“{'、'.join(unknown)}”不存在。"]})
    return [found[n] for n in names]


def _staff_item(request, code: str) -> Item:
    return selectors.item_get_by_code_for_user(code, user=request.user)


@router.post(
    "/items",
    response={201: ItemDetail, 400: Problem, 403: Problem},
    auth=django_auth,
    summary="新增事项（草稿）",
)
def create_item(request, payload: ItemCreate):
    data = payload.dict()
    unit = org_selectors.unit_by_credit_code(data.pop("unit"))
    if unit is None:
        return Status(400, {"detail": "找不到该统一社会信用代码对应的单位。"})
    parent_code = data.pop("parent")
    if parent_code:
        data["parent"] = _staff_item(request, parent_code)
    materials = data.pop("materials")
    events = _events(data.pop("life_events"))
    item = services.item_create(
        acting_user=request.user, unit=unit, data=data, materials=materials, life_events=events
    )
    return Status(201, selectors.item_get_for_user(item.pk, user=request.user))


@router.patch(
    "/items/{code}",
    response={200: ItemDetail, 400: Problem, 403: Problem},
    auth=django_auth,
    summary="修改事项要素（生成新版本）",
)
def update_item(request, code: str, payload: ItemPatch):
    item = _staff_item(request, code)
    data = payload.dict(exclude_unset=True)
    materials = data.pop("materials", None)
    events = data.pop("life_events", None)
    nulls = {
        name: ["不能为null；不修改该项请不要发送它。"]
        for name, value in data.items()
        if value is None and not Item._meta.get_field(name).null
    }
    if nulls:
        raise ValidationError(nulls)
    services.item_update(
        acting_user=request.user,
        item=item,
        data=data,
        materials=materials,
        life_events=_events(events) if events is not None else None,
    )
    return selectors.item_get_for_user(item.pk, user=request.user)


@router.post(
    "/items/{code}/publish",
    response={200: ItemDetail, 400: Problem, 403: Problem},
    auth=django_auth,
    summary="发布事项",
)
def publish_item(request, code: str):
    item = services.item_publish(acting_user=request.user, item=_staff_item(request, code))
    return selectors.item_get_for_user(item.pk, user=request.user)


@router.post(
    "/items/{code}/withdraw",
    response={200: ItemDetail, 400: Problem, 403: Problem},
    auth=django_auth,
    summary="撤销事项（须批准文件）",
)
def withdraw_item(request, code: str, payload: Approval):
    item = services.item_withdraw(
        acting_user=request.user, item=_staff_item(request, code), **payload.dict()
    )
    return selectors.item_get_for_user(item.pk, user=request.user)


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    materials: int


@router.post(
    "/import",
    response={200: ImportOut, 400: Problem, 403: Problem},
    auth=django_auth,
    summary="导入事项（JSON，全部成功或全部不导入）",
)
def import_items(request):
    try:
        items, materials, errors = transfer.read_json(request.body)
        return transfer.import_catalogue(
            acting_user=request.user, item_rows=items, material_rows=materials, errors=errors
        )
    except transfer.ImportRefused as exc:
        report = import_report.summarise(exc.problems)
        kinds = "；".join(g.heading for g in report.groups)
        return Status(
            400,
            {
                "detail": f"未导入：{report.heading}（{kinds}）",
                "errors": [str(e) for e in exc.problems],
            },
        )


class FindingOut(Schema):
    unit: str
    item: str
    code: str
    implementation_code: str
    local_implementation_code: str
    rule: str
    reason: str


@router.get(
    "/check", response={200: list[FindingOut], 403: Problem}, auth=django_auth, summary="事项核查"
)
def check(request):
    if not allows(request.user, "catalog.view_check"):
        return Status(403, {"detail": "您的角色无权查看核查报告。"})
    findings = selectors.catalogue_check(user=request.user)
    return [
        {
            "unit": unit.name,
            "item": f.item.name,
            "code": f.item.code,
            "implementation_code": f.item.implementation_code,
            "local_implementation_code": f.item.local_implementation_code,
            "rule": f.rule,
            "reason": f.reason,
        }
        for unit, rows in findings.items()
        for f in rows
    ]
