"""What an API key may do (接口调用方的权限范围): the one check every API operation makes.

A key bound to a unit (a department's own system) acts only on that unit: it submits only the
unit's items, a 一件事 only when every member item is the unit's, and reads, reports on and
rates only the unit's cases. A key bound to no unit (the provincial platform) submits for any
unit but reads only what it submitted. Reporting a department's progress needs a unit and an
acting account; SMS ratings need the SMS gateway's key (`ApiClient.sms_gateway`); applications
received on the provincial platform, the platform's key (`ApiClient.province_platform`).
"""

from collections.abc import Iterable
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from onewindow.cases.models import ApiClient, Case, CombinedCase
from onewindow.org.models import Unit


class Act(Enum):
    SUBMIT = "submit"
    READ = "read"
    PROGRESS = "progress"
    RATE_SMS = "rate_sms"
    PROVINCE = "province"


def require(client: ApiClient, act: Act, *, unit_ids: Iterable[int] = ()) -> None:
    """PermissionDenied, in Chinese, unless `client` may do `act` for every unit given."""
    if act is Act.PROGRESS and (client.unit_id is None or client.acting_user_id is None):
        raise PermissionDenied("只有绑定单位和代表账号的部门系统可以报告办理进展。")
    if act is Act.RATE_SMS and not client.sms_gateway:
        raise PermissionDenied(f"{client.name}不是短信网关，不能提交短信评价。")
    if act is Act.PROVINCE and not client.province_platform:
        raise PermissionDenied(
            f"{client.name}不是省一体化平台的接口，不能推送省平台网上申请；"
            "请由系统管理员在“接口调用方”中确认。"
        )
    if client.unit_id is None:
        return
    others = sorted(set(unit_ids) - {client.unit_id})
    if others:
        names = "、".join(Unit.objects.filter(pk__in=others).values_list("short_name", flat=True))
        raise PermissionDenied(
            f"{client.name}只能办理{client.unit}的事项，不能涉及{names}；"
            "请由相应单位的系统或省平台提交。"
        )


def cases(client: ApiClient, act: Act) -> QuerySet[Case]:
    """The cases `client` may act on: its unit's; for an unbound key, the cases it submitted,
    or every case for the SMS gateway (applicants answer the rating SMS of any unit)."""
    require(client, act)
    qs = Case.objects.all()
    if client.unit_id is not None:
        return qs.filter(unit_id=client.unit_id)
    if act is Act.RATE_SMS:
        return qs
    return qs.filter(source=client.name)


def combined_cases(client: ApiClient) -> QuerySet[CombinedCase]:
    """The 一件事 `client` may read: the ones it submitted."""
    require(client, Act.READ)
    return CombinedCase.objects.filter(source=client.name)


def by_key(new_digest: str, legacy_digest: str) -> ApiClient | None:
    """The active client holding a key; a key issued before the purpose keys carries the old
    digest, and its first use moves the row to the new one."""
    client = ApiClient.objects.filter(
        key_digest__in=[new_digest, legacy_digest], active=True
    ).first()
    if client is not None and client.key_digest != new_digest:
        ApiClient.objects.filter(pk=client.pk).update(key_digest=new_digest)
        client.key_digest = new_digest
    return client


def case_for(client: ApiClient, case_id: int, act: Act = Act.READ) -> Case | None:
    """One case `client` may act on, with its item and unit; None when it may not."""
    return cases(client, act).select_related("item", "unit").filter(pk=case_id).first()


def combined_for(client: ApiClient, combined_id: int) -> CombinedCase | None:
    return combined_cases(client).filter(pk=combined_id).first()


def submitted_before(client: ApiClient, client_key: str, *, combined: bool = False) -> bool:
    """Whether the client already submitted under this key (the answer is then 200, not 201)."""
    model = CombinedCase if combined else Case
    return model.objects.filter(source=client.name, client_key=client_key).exists()
