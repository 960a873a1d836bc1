"""The provincial platform pushes the applications it received (`POST /api/province/applications`,
multipart/form-data): the part `application` holds the GB/T 39046 6.2 record as JSON, each
material's `file.part` names the part carrying its file. Authenticated by an API key whose
client is marked `province_platform`. Idempotent by the platform's application number."""

from django.core.files.uploadedfile import UploadedFile
from ninja import Field, Form, Router, Schema, Status

from onewindow.cases import clients
from onewindow.cases.api import CaseOut, api_key
from onewindow.cases.models import ApiClient, ProvinceApplication
from onewindow.cases.services import province
from onewindow.common.parsing import JsonRefused, loads_json
from onewindow.common.schemas import Problem

router = Router(tags=["省平台"])


class ProvinceReceivedOut(Schema):
    application_id: str = Field(description="省平台申报号")
    status: str = Field(description="accepted 已接收（进入窗口网上申请待受理）")
    case: CaseOut


class ProvinceRefusedOut(Schema):
    """A refusal of one application: `code` for the platform's program, `detail` for people."""

    application_id: str = Field(description="省平台申报号（无法读取时为空）")
    status: str = Field("refused", description="refused 拒收")
    code: str = Field(
        description="item_unknown / item_unavailable / item_not_online / id_type / id_invalid /"
        " agent_id_invalid / phone_invalid / applicant_invalid / material_unknown /"
        " material_duplicate / material_missing / file_missing / file_type / file_too_large /"
        " file_url（拉取） / id_conflict / malformed"
    )
    detail: str


@router.post(
    "/applications",
    response={
        200: ProvinceReceivedOut,
        201: ProvinceReceivedOut,
        400: ProvinceRefusedOut,
        403: Problem,
        409: ProvinceRefusedOut,
    },
    auth=api_key,
    summary="省平台推送网上申请（含材料文件；按省平台申报号幂等）",
)
def receive(request, application: Form[str]):
    """`application`: the 办事申请 as JSON; each material's file in the part its `file.part`
    names."""
    client: ApiClient = request.auth
    clients.require(client, clients.Act.PROVINCE)
    try:
        data = loads_json(application)
    except JsonRefused as exc:
        return Status(400, _refused("", "malformed", f"application部件{exc}"))
    try:
        got = province.province_receive(
            data=data,
            read_file=lambda ref: _part(request.FILES, ref),
            source=client.name,
            via=ProvinceApplication.Via.PUSH,
        )
    except province.Refused as refusal:
        status = 409 if refusal.code == "id_conflict" else 400
        return Status(status, _refused(refusal.application_id, refusal.code, refusal.message))
    body = {"application_id": got.case.province_application_id, "status": "accepted"}
    return Status(201 if got.created else 200, {**body, "case": _case_out(got.case)})


def _part(files, ref: province.ProvinceFileIn) -> UploadedFile:
    upload = files.get(ref.part) if ref.part else None
    if upload is None:
        raise province.Refused(
            "file_missing",
            f"材料文件“{ref.name}”没有随申请一起收到，请省平台重新推送该申请。",
        )
    upload.name = ref.name  # the platform's file name, checked against the content
    return upload


def _case_out(case):
    from onewindow.cases import selectors

    return selectors.case_with_item(case.pk)


def _refused(application_id: str, code: str, detail: str) -> dict[str, str]:
    return {"application_id": application_id, "status": "refused", "code": code, "detail": detail}
