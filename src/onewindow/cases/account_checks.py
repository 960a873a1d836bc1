"""A registration against the cases already filed under its ID number (accounts.services
.IDENTITY_CHECKS). Only cases where a clerk saw the ID card count: filed at a hall window
(大厅窗口, a township centre or a kept department hall), by the applicant in person — not
applications made online (this portal, the province platform, a department's system: whoever
filed them typed the name and phone) nor cases an agent (代理人) filed. When such cases exist,
the registrant's name must be the applicant name on them and the SMS-verified mobile one of their
phones. A refusal is one message for either mismatch, so it tells no one which part was right;
the registration spends the code on it (accounts.services.person_register)."""

from onewindow.cases.models import PORTAL_SOURCE, Case, Channel

IDENTITY_MISMATCH = (
    "您填写的姓名或验证的手机号码，与该身份证号码在政务服务中心窗口办事时登记的信息不一致，"
    "本次验证码已作废。如确为本人，请通过省统一身份认证登录，或携身份证到政务服务中心总咨询台核验；"
    "也可以用办事时登记的手机号码重新获取验证码注册。"
)
# Where a clerk checks the applicant's ID card in person.
CHECKED_AT_A_DESK = (Channel.WINDOW, Channel.TOWNSHIP, Channel.DEPT_HALL)


def _plain(name: str) -> str:
    return "".join((name or "").split()).replace("•", "·").replace("・", "·").upper()


def desk_checked_cases(digest: str):
    """The person's own cases whose ID card a clerk saw at a window."""
    return (
        Case.objects.filter(
            applicant_id_digest=digest,
            applicant_kind=Case.ApplicantKind.PERSON,
            channel__in=CHECKED_AT_A_DESK,
            agent_id_digest="",
            agent_name="",
        )
        .exclude(source=PORTAL_SOURCE)
        .order_by("-id")
    )


def registration_check(*, name: str, digest: str, mobile: str) -> str:
    rows = list(desk_checked_cases(digest).values_list("applicant_name", "phone")[:200])
    if not rows:
        return ""
    if _plain(name) not in {_plain(n) for n, _p in rows}:
        return IDENTITY_MISMATCH
    phones = {"".join(ch for ch in p if ch.isdigit())[-11:] for _n, p in rows if p}
    if phones and mobile not in phones:
        return IDENTITY_MISMATCH
    return ""
