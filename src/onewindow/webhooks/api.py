"""Subscriptions API: a department system (API key bound to a unit, header X-API-Key) subscribes
a URL to its unit's case events, lists and cancels its subscriptions. The signing secret is in
the answer to the subscription alone; how deliveries are signed: webhooks.signing."""

import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from onewindow.cases.api import api_key
from onewindow.cases.models import ApiClient
from onewindow.common.schemas import Id, Problem
from onewindow.webhooks import services
from onewindow.webhooks.models import Subscription

router = Router(tags=["部门系统推送"])


class SubscriptionIn(Schema):
    url: str = Field(max_length=500, description="接收推送的地址（http:// 或 https://）")
    unit_id: int | None = Field(None, description="订阅的单位，须为本系统所代表的单位；可省略")


class SubscriptionOut(Schema):
    id: int
    unit_id: int
    url: str
    active: bool
    created_at: datetime.datetime


class SubscriptionMade(SubscriptionOut):
    secret: str = Field(
        description="签名密钥，只在此返回一次：X-OneWindow-Signature = sha256=HMAC-SHA256"
        "（密钥, “X-OneWindow-Timestamp.请求体”）的十六进制"
    )


@router.post(
    "/subscriptions",
    response={201: SubscriptionMade, 400: Problem, 401: Problem, 403: Problem},
    auth=api_key,
    summary="订阅本单位办件事件的推送（签名密钥只返回这一次）",
)
def subscribe(request, payload: SubscriptionIn):
    subscription, secret = services.subscription_create(
        client=request.auth, url=payload.url, unit_id=payload.unit_id
    )
    subscription.secret = secret
    return Status(201, subscription)


@router.get(
    "/subscriptions",
    response=list[SubscriptionOut],
    auth=api_key,
    summary="本系统的订阅",
)
def subscriptions(request):
    return list(Subscription.objects.filter(client=request.auth).order_by("id"))


@router.delete(
    "/subscriptions/{subscription_id}",
    response={204: None, 403: Problem, 404: Problem},
    auth=api_key,
    summary="取消订阅（未送达的推送不再投递）",
)
def unsubscribe(request, subscription_id: Id):
    client: ApiClient = request.auth
    subscription = Subscription.objects.filter(pk=subscription_id, client=client).first()
    if subscription is None:
        raise Http404("没有找到该订阅，或不属于本系统。")
    services.subscription_end(client=client, subscription=subscription)
    return Status(204, None)
