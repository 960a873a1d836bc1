"""What the provincial platform sends (GB/T 39046-2020 6.2 办事申请) as the intake reads it
(services/province.py), the codes it may name the applicant by, and how an application is
refused."""

import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as SchemaError

from onewindow.cases.models import Case
from onewindow.exchange.datasets.codes import CODE_SETS

# --- what the platform sends (GB/T 39046-2020 6.2 办事申请) ----------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ProvinceApplicantIn(_In):
    kind: str = Field(
        "",
        description="申请人类型：person或1 自然人 / organisation或2 法人或其他组织；空则按证件类型",
    )
    name: str = Field(min_length=1, max_length=100, description="申请人姓名或名称")
    id_type: str = Field(
        "", description="证件类型：111 居民身份证 / 001 统一社会信用代码（代码或名称）；可空"
    )
    id_number: str = Field(max_length=40, description="证件号码")
    phone: str = Field(max_length=30, description="联系电话")
    address: str = Field("", max_length=200, description="通讯地址")
    postcode: str = Field("", max_length=10, description="邮政编码")
    legal_representative: str = Field("", max_length=50, description="法定代表人")
    agent_name: str = Field("", max_length=50, description="代理人姓名")
    agent_id: str = Field("", max_length=40, description="代理人身份证号码")


class ProvinceFileIn(_In):
    name: str = Field(min_length=1, max_length=100, description="文件名（含扩展名）")
    part: str = Field("", max_length=100, description="推送：multipart 中该文件的部件名")
    url: str = Field("", max_length=500, description="拉取：文件下载地址（与下载接口同源）")


class ProvinceMaterialIn(_In):
    name: str = Field(min_length=1, max_length=200, description="材料名称（与事项材料清单一致）")
    received: bool = Field(True, description="是否收取")
    how: str = Field("electronic", description="收取方式：electronic 电子 / paper 纸质")
    count: int = Field(1, ge=0, le=999, description="收取数量")
    file: ProvinceFileIn | None = Field(None, description="电子材料文件（一份材料一个文件）")


class ProvinceApplicationIn(_In):
    application_id: str = Field(min_length=1, max_length=64, description="省平台申报号")
    item_code: str = Field(min_length=1, max_length=60, description="事项实施编码或地方实施编码")
    declared_via: str = Field("2", description="申报来源（办理形式）：2 网上办理 / 3 掌上办理")
    applied_at: datetime.datetime | None = Field(None, description="申请时间")
    region: str = Field("", max_length=12, description="行政区划代码")
    applicant: ProvinceApplicantIn
    materials: list[ProvinceMaterialIn] = []


# --- the refusal ---------------------------------------------------------------------------


class Refused(Exception):
    """A provincial application not taken, with a machine-readable code and a Chinese reason."""

    def __init__(self, code: str, message: str, application_id: str = ""):
        super().__init__(message)
        self.code, self.message, self.application_id = code, message, application_id
        self.new = True  # False: this very body was refused before (one more attempt counted)


# What each refusal code means, for the hall manager's page (the code itself stays in the
# platform's answer and, in small print, on the page for the platform's staff).
CODE_LABELS = {
    "malformed": "申请数据不完整或格式不对",
    "item_unknown": "事项编码查不到",
    "item_unavailable": "事项未发布或已撤销",
    "item_not_online": "事项未开通网上申请",
    "id_type": "证件类型不能网上接收",
    "id_invalid": "申请人证件号码有误",
    "agent_id_invalid": "代理人身份证号码有误",
    "phone_invalid": "联系电话有误",
    "applicant_invalid": "申请人信息有误",
    "material_unknown": "材料不在清单中",
    "material_duplicate": "材料重复提交",
    "material_missing": "缺少必要材料",
    "file_missing": "材料文件未收到",
    "file_type": "材料文件类型不对",
    "file_too_large": "材料文件过大",
    "file_url": "材料文件下载地址不对",
    "id_conflict": "申报号已用于另一份申请",
    "not_allowed": "不允许接收",
    "invalid": "申请未能接收",
}


def code_label(code: str) -> str:
    return CODE_LABELS.get(code, "其他原因")


# The applicant's kind and ID type as our own code sets name them (exchange/datasets/codes.py:
# what the push sends, e.g. 001 for 统一社会信用代码), by code or by name; the kind also by the
# API's words (person / organisation).
_BY_NAME = {
    "居民身份证": Case.ApplicantKind.PERSON,
    "统一社会信用代码": Case.ApplicantKind.ORGANISATION,
    "自然人": Case.ApplicantKind.PERSON,
    "法人或其他组织": Case.ApplicantKind.ORGANISATION,
}


def _by_code_or_name(code_set: str) -> dict[str, str]:
    codes = CODE_SETS[code_set].codes
    return {code: _BY_NAME[name] for code, name in codes.items()} | {
        name: _BY_NAME[name] for name in codes.values()
    }


ID_TYPES = _by_code_or_name("id_type")
KINDS = {k.value: k.value for k in Case.ApplicantKind} | _by_code_or_name("applicant_type")


def parse(data: Any) -> ProvinceApplicationIn:
    """The application's fields, or Refused('malformed') naming the first wrong field."""
    try:
        return ProvinceApplicationIn.model_validate(data)
    except SchemaError as exc:
        first = exc.errors()[0]
        number = data.get("application_id", "") if isinstance(data, dict) else ""
        raise Refused(
            "malformed",
            f"申请数据不完整或格式不对：{_where(first['loc'])}{_schema_text(first['type'])}，"
            "请省平台核对后重新推送。",
            str(number)[:64],
        ) from None


# The application's fields as a person names them (the platform's field names stay in the
# API's description).
_FIELD_NAMES = {
    "application_id": "省平台申报号",
    "item_code": "事项编码",
    "declared_via": "申报来源",
    "applied_at": "申请时间",
    "region": "行政区划",
    "applicant": "申请人信息",
    "materials": "材料",
    "kind": "申请人类型",
    "name": "名称",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "联系电话",
    "address": "通讯地址",
    "postcode": "邮政编码",
    "legal_representative": "法定代表人",
    "agent_name": "代理人姓名",
    "agent_id": "代理人身份证号码",
    "received": "是否收取",
    "how": "收取方式",
    "count": "收取数量",
    "file": "文件",
    "part": "文件",
    "url": "文件下载地址",
}


def _where(loc: tuple) -> str:
    """Where the first problem is, in words: 申请人的证件号码, 第2份材料的文件名."""
    loc = tuple(loc) or ("",)
    head, rest = str(loc[0]), loc[1:]
    if head == "materials" and rest and isinstance(rest[0], int):
        where, rest = f"第{rest[0] + 1}份材料", rest[1:]
        if not rest:
            return where
        if rest[0] == "file":
            return where + ("的文件名" if rest[1:2] == ("name",) else "的文件")
        return (
            where
            + "的"
            + ("名称" if rest[0] == "name" else _FIELD_NAMES.get(str(rest[0]), "某项内容"))
        )
    if head == "applicant" and rest:
        return "申请人的" + (
            "姓名或名称" if rest[0] == "name" else _FIELD_NAMES.get(str(rest[0]), "某项内容")
        )
    return _FIELD_NAMES.get(head, "申请")


def _schema_text(kind: str) -> str:
    return {
        "missing": "缺失",
        "string_too_short": "不能为空",
        "string_too_long": "过长",
        "datetime_from_date_parsing": "不是有效的时间",
        "datetime_parsing": "不是有效的时间",
        "int_parsing": "应为数字",
        "bool_parsing": "应为“是”或“否”",
        "model_type": "格式不对",
        "list_type": "格式不对",
    }.get(kind, "填写有误")
