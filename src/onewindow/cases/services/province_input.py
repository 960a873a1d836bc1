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
        where = ".".join(str(p) for p in first["loc"]) or "申请"
        number = data.get("application_id", "") if isinstance(data, dict) else ""
        raise Refused(
            "malformed",
            f"申请数据格式不正确：字段“{where}”{_schema_text(first['type'])}，请核对后重新推送。",
            str(number)[:64],
        ) from None


def _schema_text(kind: str) -> str:
    return {
        "missing": "缺失",
        "string_too_short": "不能为空",
        "string_too_long": "过长",
        "datetime_from_date_parsing": "不是有效的时间",
        "datetime_parsing": "不是有效的时间",
    }.get(kind, "的值无效")
