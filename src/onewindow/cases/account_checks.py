"""A registration against the cases already filed under its ID number (accounts.services
.IDENTITY_CHECKS): an online account sees every case of its ID number at 我的办事, so someone who
knows another person's number must not be able to register it. When cases exist, the registrant's
name must be the applicant name on them, and the SMS-verified mobile one of their phones."""

from onewindow.cases.models import Case

NAME_MISMATCH = (
    "您填写的姓名与该身份证号码在政务服务中心办事时登记的姓名不一致，请核对身份证上的姓名。"
    "如确为本人，请通过省统一身份认证登录，或携身份证到政务服务中心总咨询台核验。"
)
PHONE_MISMATCH = (
    "您验证的手机号码不是该身份证号码办事时登记的联系电话。为保护办事人的信息，"
    "请改用办事时登记的手机号码注册，或通过省统一身份认证登录，或携身份证到政务服务中心总咨询台核验。"
)


def _plain(name: str) -> str:
    return "".join((name or "").split()).replace("•", "·").replace("・", "·").upper()


def registration_check(*, name: str, digest: str, mobile: str) -> str:
    rows = list(
        Case.objects.filter(applicant_id_digest=digest, applicant_kind=Case.ApplicantKind.PERSON)
        .order_by("-id")
        .values_list("applicant_name", "phone")[:200]
    )
    if not rows:
        return ""
    if _plain(name) not in {_plain(n) for n, _p in rows}:
        return NAME_MISMATCH
    phones = {"".join(ch for ch in p if ch.isdigit())[-11:] for _n, p in rows if p}
    if phones and mobile not in phones:
        return PHONE_MISMATCH
    return ""
