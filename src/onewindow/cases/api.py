"""Case API: systems submit applications (idempotent by client key) and report department
progress with their API key (header X-API-Key); staff read cases with their session."""

import datetime
import secrets
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import APIKeyHeader, django_auth
from pydantic import create_model

from onewindow.cases import clients, selectors, services
from onewindow.cases.actions import Action, perform
from onewindow.cases.actions.case_actions import ACTIONS
from onewindow.cases.models import ApiClient, Case, Channel
from onewindow.cases.services import combined
from onewindow.catalog import selectors as catalog_selectors
from onewindow.common import crypto, limits
from onewindow.common.schemas import Id, Pages, Problem, validated
from onewindow.org.permissions import allows

router = Router(tags=["办件"])
# Mounted before `router`: its paths would otherwise be taken for a case id.
combined_router = Router(tags=["一件事"])


class ClientKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        if not key:
            return None
        # Keys issued before the purpose keys carry the old digest (master key, upper-cased);
        # the first use moves such a row to the API-key digest.
        new, legacy = key_digest(key), crypto.digest(key)
        return clients.by_key(new, legacy)


def key_digest(key: str) -> str:
    """HMAC-SM3 of the whole key, as issued (case kept), under the API-key purpose key."""
    return crypto.keyed("api-key", key.encode())


api_key = ClientKey()


def issue_key(client: ApiClient) -> str:
    """A new key for the client; only its digest is kept."""
    key = "ow_" + secrets.token_urlsafe(32)
    client.key_digest = key_digest(key)
    client.save()
    return key


class CaseMaterialIn(Schema):
    material_id: int
    status: str = Field("uploaded", description="paper / uploaded / shared / missing")


class ApplicantIn(Schema):
    applicant_kind: str = Field(description="person 或 organisation")
    applicant_name: str = Field(max_length=limits.NAME)
    applicant_id: str = Field(description="身份证号码或统一社会信用代码")
    phone: str
    agent_name: str = Field("", max_length=50)
    agent_id: str = ""


class ApplicationIn(Schema):
    item: str = Field(description="事项实施编码或地方实施编码")
    channel: str = Field("online", description="online / dept_system / dept_hall / township")
    client_key: str = Field(
        min_length=1, max_length=100, description="提交方的唯一键，重复提交返回同一申请"
    )
    applicant: ApplicantIn
    materials: list[CaseMaterialIn] = []


class EventOut(Schema):
    seq: int
    at: datetime.datetime
    action: str
    label: str
    from_state: str
    to_state: str
    details: dict[str, Any]


class TimeLeftOut(Schema):
    """Where the case stands against its due date (the case page shows the same `text`)."""

    status: str = Field(
        description="running 计时中（按今天）/ suspended 中止，计时暂停（按中止日）"
        " / finished 已决定（按决定日）"
    )
    left_workdays: int = Field(alias="left", description="距承诺办结日期的剩余工作日")
    overdue_workdays: int = Field(alias="overdue", description="超过承诺办结日期的工作日")
    text: str


class CaseOut(Schema):
    id: int
    number: str | None
    item: str = Field(
        alias="item.code", description="事项实施编码；只有地方编码的事项为地方实施编码"
    )
    item_local_code: str = Field(
        alias="item.local_implementation_code", description="事项的地方实施编码"
    )
    item_name: str = Field(alias="item.name")
    state: str
    state_label: str = Field(alias="get_state_display")
    channel: str
    applicant_name: str
    applicant_id: str = Field(alias="applicant_id_masked")
    received_on: datetime.date
    accepted_on: datetime.date | None
    due_date: datetime.date | None
    due_date_provisional: bool = Field(
        alias="due_provisional",
        description="承诺办结日期按暂定日历计算（所跨年度的国务院节假日安排尚未录入，录入后重算）",
    )
    time_left: TimeLeftOut | None = Field(None, description="未受理或未决定即结束的办件为空")
    result: str
    version: int

    @staticmethod
    def resolve_time_left(obj):
        return selectors.time_left(obj, timezone.localdate())


class CaseDetail(CaseOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return selectors.timeline(obj)


@router.post(
    "/applications",
    response={200: CaseOut, 201: CaseOut, 400: Problem, 401: Problem, 403: Problem},
    auth=api_key,
    summary="提交申请（网上、部门系统、部门大厅、乡镇中心）",
)
def submit(request, payload: ApplicationIn):
    if payload.channel == Channel.WINDOW or payload.channel not in Channel.values:
        return Status(400, {"detail": CHANNELS})
    item = catalog_selectors.item_by_implementation_code(payload.item)
    if item is None:
        return Status(400, {"detail": f"找不到实施编码或地方实施编码为“{payload.item}”的事项。"})
    materials = [m.dict() for m in payload.materials]
    submit = partial(services.application_submit, item=item, materials=materials)
    return _system_submit(request.auth, payload, [item.unit_id], submit)


CHANNELS = "渠道应为 online、dept_system、dept_hall 或 township。"


def _system_submit(client: ApiClient, payload, unit_ids, submit, *, combined=False) -> Status:
    """An application from another system, for the given units: within the key's scope, under
    the system's name, idempotent by its key (200 with the earlier one, 201 when new)."""
    clients.require(client, clients.Act.SUBMIT, unit_ids=unit_ids)
    existed = clients.submitted_before(client, payload.client_key, combined=combined)
    with services.acting_system(client.name):
        made = submit(
            acting_user=None,
            channel=payload.channel,
            applicant=payload.applicant.dict(),
            source=client.name,
            client_key=payload.client_key,
        )
    return Status(200 if existed else 201, made)


def _client_case(client: ApiClient, case_id: int, act=clients.Act.READ) -> Case:
    case = clients.case_for(client, case_id, act)
    if case is None:
        raise Http404("没有找到该办件，或不属于本系统。")
    return case


@router.get(
    "/{case_id}", response=CaseDetail, auth=[api_key, django_auth], summary="办件及办理过程"
)
def get_case(request, case_id: Id):
    if isinstance(request.auth, ApiClient):
        return _client_case(request.auth, case_id)
    return selectors.case_get_for_user(case_id, user=request.auth)


@router.get("", response=list[CaseOut], auth=django_auth, summary="办件列表（按用户范围）")
@paginate(Pages, page_size=50)
def list_cases(request, state: str | None = None):
    return selectors.case_list_for_user(user=request.auth, state=state)


class ProgressIn(Schema):
    action: str = Field(description="decide / suspend / resume / extend / terminate")
    version: int | None = None
    result: str = ""
    text: str = Field("", max_length=limits.REASON, description="决定内容或理由")
    procedure: str = ""
    expected_days: int = 0
    days: int = 0
    approver: str = Field("", max_length=limits.NAME)
    reason: str = Field("", max_length=limits.REASON)


@router.post(
    "/{case_id}/progress",
    response={200: CaseDetail, 400: Problem, 403: Problem, 409: Problem},
    auth=api_key,
    summary="部门系统报告进展和决定（不在系统外办理）",
)
def progress(request, case_id: Id, payload: ProgressIn):
    client: ApiClient = request.auth
    case = _client_case(client, case_id, clients.Act.PROGRESS)
    with services.acting_system(client.name):  # every event: channel 部门业务系统, the system
        return _progress(client, case, payload)


def _progress(client: ApiClient, case: Case, payload: ProgressIn):
    action = REPORTABLE.get(payload.action)
    if action is None:
        *names, last = REPORTABLE
        return Status(400, {"detail": f"action 应为 {'、'.join(names)} 或 {last}。"})
    data = validated(action.schema, payload.dict())
    try:
        perform(action, user=client.acting_user, subject=case, data=data, version=payload.version)
    except services.Conflict as exc:
        return Status(409, {"detail": exc.messages[0]})
    return selectors.case_with_item(case.pk)


def _staff_route(action: Action) -> None:
    """`POST /api/cases/{id}/actions/<name>`: staff take a move with their session, with the
    same schema, authority and service as the case page's form."""

    Body = create_model(
        f"Case{action.name.title().replace('_', '')}Body",
        __base__=action.schema,
        version=(int | None, Field(None, description="读取办件时的版本号，防止覆盖他人的操作")),
    )

    def take(request, case_id: Id, payload: Body):
        if not allows(request.auth, "cases.act"):
            raise PermissionDenied("您的角色不能办理办件。")
        case = selectors.case_get_for_user(case_id, user=request.auth)
        data = action.schema.model_validate(payload.dict(exclude={"version"}))
        try:
            perform(action, user=request.auth, subject=case, data=data, version=payload.version)
        except services.Conflict as exc:
            return Status(409, {"detail": exc.messages[0]})
        return selectors.case_with_item(case.pk)

    router.post(
        f"/{{case_id}}/actions/{action.name}",
        response={200: CaseDetail, 400: Problem, 403: Problem, 404: Problem, 409: Problem},
        auth=django_auth,
        summary=f"{action.label}（工作人员）",
        operation_id=f"case_action_{action.name}",
    )(take)


# Moves without an upload, from the registry: the page's form and the API share schema and rules.
for _action in ACTIONS:
    if not _action.files:
        _staff_route(_action)
REPORTABLE = {a.name: a for a in ACTIONS if a.api}


# --- 一件事 ---------------------------------------------------------------------------------


class CombinedMaterialIn(Schema):
    name: str = Field(description="合并材料清单中的材料名称")
    status: str = Field("uploaded", description="paper / uploaded / shared / missing")


class CombinedIn(Schema):
    service: int = Field(description="一件事编号（目录中的 id）")
    channel: str = Field("online", description="online / dept_system / dept_hall / township")
    client_key: str = Field(min_length=1, max_length=100)
    applicant: ApplicantIn
    materials: list[CombinedMaterialIn] = []


class ChildOut(Schema):
    id: int
    number: str | None
    item_name: str = Field(alias="item.name")
    unit: str = Field(alias="unit.name")
    stage: int
    state: str
    result: str
    due_date: datetime.date | None
    due_date_provisional: bool = Field(alias="due_provisional")


class CombinedOut(Schema):
    id: int
    number: str | None
    service: str = Field(alias="service.name")
    lead_unit: str = Field(alias="lead_unit.name")
    state: str
    state_label: str = Field(alias="get_state_display")
    key_project: bool
    received_on: datetime.date
    accepted_on: datetime.date | None
    due_date: datetime.date | None
    children: list[ChildOut]

    @staticmethod
    def resolve_children(obj):
        return list(obj.children.select_related("item", "unit").order_by("stage", "id"))


@combined_router.post(
    "",
    response={200: CombinedOut, 201: CombinedOut, 400: Problem, 401: Problem, 403: Problem},
    auth=api_key,
    summary="提交一件事申请（一张表单、一套材料；在综合受理窗口一次受理）",
)
def submit_combined(request, payload: CombinedIn):
    if payload.channel == Channel.WINDOW or payload.channel not in Channel.values:
        return Status(400, {"detail": CHANNELS})
    service = catalog_selectors.combined_service(payload.service)
    if service is None:
        return Status(400, {"detail": f"找不到编号为{payload.service}的一件事。"})
    # Every member becomes a case of its own unit: a unit's system may submit only its own.
    member_units = catalog_selectors.member_unit_ids(service)
    materials = {m.name: m.status for m in payload.materials}
    submit = partial(combined.combined_submit, service=service, materials=materials)
    return _system_submit(request.auth, payload, member_units, submit, combined=True)


@combined_router.get(
    "/{combined_id}",
    response=CombinedOut,
    auth=[api_key, django_auth],
    summary="一件事办件及各事项进展",
)
def get_combined(request, combined_id: Id):
    if isinstance(request.auth, ApiClient):
        found = clients.combined_for(request.auth, combined_id)
        if found is None:
            raise Http404("没有找到该一件事办件，或不属于本系统。")
        return found
    return selectors.combined_get_for_user(combined_id, user=request.auth)
