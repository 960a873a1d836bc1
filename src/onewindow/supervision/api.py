"""好差评 through the SMS gateway: the applicant answers the rating SMS with a digit."""

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from onewindow.cases.api import api_key
from onewindow.cases.models import Case
from onewindow.common.schemas import Problem
from onewindow.common.validators import normalize_mobile
from onewindow.supervision import ratings
from onewindow.supervision.models import Rating

router = Router(tags=["好差评"])


class SmsReplyIn(Schema):
    case_number: str
    phone: str
    reply: str


class RatingOut(Schema):
    id: int
    level: int
    level_label: str
    ticket_opened: bool


@router.post(
    "/sms",
    response={201: RatingOut, 400: Problem, 404: Problem},
    auth=api_key,
    summary="短信评价：申请人回复数字 1（非常满意）至 5（非常不满意）",
)
def sms_reply(request, payload: SmsReplyIn):
    case = (
        Case.objects.select_related("unit__region", "window_post")
        .filter(number=payload.case_number.strip())
        .first()
    )
    if (
        case is None
        or not payload.phone
        or normalize_mobile(payload.phone) != normalize_mobile(case.phone)
    ):
        return Status(404, {"detail": "没有找到与该手机号码对应的办件。"})
    reply = payload.reply.strip()
    if reply not in {"1", "2", "3", "4", "5"}:
        return Status(400, {"detail": "请回复数字1至5：1非常满意，5非常不满意。"})
    level = int(reply)
    text = "短信回复" if level in Rating.BAD else ""
    try:
        rating = ratings.rate(case=case, channel=Rating.Channel.SMS, level=level, text=text)
    except ValidationError as exc:
        return Status(400, {"detail": "；".join(exc.messages)})
    return Status(
        201,
        {
            "id": rating.pk,
            "level": level,
            "level_label": rating.get_level_display(),
            "ticket_opened": rating.bad,
        },
    )
