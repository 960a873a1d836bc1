"""好差评 through the SMS gateway: the applicant answers the rating SMS with a digit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Router, Schema, Status

from onewindow.cases import clients
from onewindow.cases.api import api_key
from onewindow.common import ratelimit
from onewindow.common.schemas import Problem
from onewindow.common.validators import normalize_mobile
from onewindow.supervision import ratings, selectors
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
    response={201: RatingOut, 400: Problem, 403: Problem, 404: Problem, 429: Problem},
    auth=api_key,
    summary="短信评价：申请人回复数字 1（非常满意）至 5（非常不满意）",
)
def sms_reply(request, payload: SmsReplyIn, response: HttpResponse):
    client = request.auth
    number, phone = payload.case_number.strip(), normalize_mobile(payload.phone or "")
    # Misses are counted per key, per case number and per phone: guessing whose phone a case
    # has, or which case a phone has, stops after a few tries (settings.py).
    guesses = [("sms-key", [str(client.pk)], settings.ONEWINDOW_SMS_RATING_MISSES_PER_KEY)]
    guesses.append(("sms-case", [number, phone], settings.ONEWINDOW_SMS_RATING_MISSES_PER_CASE))
    window = settings.ONEWINDOW_SMS_RATING_WINDOW_MINUTES * 60
    if any(ratelimit.exceeded(scope, names, limit) for scope, names, limit in guesses):
        response["Retry-After"] = str(window)
        return Status(429, {"detail": "短信评价的号码或办件编号核对失败次数过多，请稍后再试。"})
    case = selectors.sms_rated_case(clients.cases(client, clients.Act.RATE_SMS), number)
    if case is None or not phone or phone != normalize_mobile(case.phone):
        for scope, names, _ in guesses:
            ratelimit.count(scope, names, window)
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
