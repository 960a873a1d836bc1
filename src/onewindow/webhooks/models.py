"""Signed webhooks to department systems (S10: no 二次录入). A department system (an API client
bound to a unit) subscribes a URL to its unit's case events; each event of each of the unit's
cases becomes one `Delivery` per active subscription, written in the move's transaction (an
outbox, exchange.models.Claimed), then sent by the `webhook-send` job: signed, retried with
back-off, in order per case and subscription."""

from django.db import models
from django.db.models import Q

from onewindow.common.fields import EncryptedCharField
from onewindow.exchange.models import Claimed
from onewindow.org.models import Unit


class Subscription(models.Model):
    client = models.ForeignKey(
        "cases.ApiClient", verbose_name="部门系统", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    url = models.CharField("接收地址", max_length=500)
    # The signing key: shown once when the subscription is made; kept encrypted (SM4), since
    # every delivery is signed with it.
    secret = EncryptedCharField("签名密钥", max_plain_length=80)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("订阅时间", auto_now_add=True)
    ended_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门系统订阅"
        ordering = ["id"]
        indexes = [
            # The move's INSERT … SELECT of a unit's live subscriptions.
            models.Index(fields=["unit"], condition=Q(active=True), name="webhook_sub_live_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"


class Delivery(Claimed):
    """One event of one case for one subscription. Failed `MAX_ATTEMPTS` times, it stops being
    tried (投递失败) until someone asks for it again (重新投递); the later events of its case
    wait behind it, those of other cases go on."""

    subscription = models.ForeignKey(
        Subscription,
        verbose_name="订阅",
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,  # webhook_delivery_recent leads with it
    )
    # A plain column, not a foreign key: the row is written on the case's hot path and read
    # without the case.
    case_id = models.BigIntegerField("办件")
    seq = models.PositiveIntegerField("事件序号")
    action = models.CharField("事件", max_length=40)
    payload = models.JSONField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "部门系统推送记录"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "case_id", "seq"], name="webhook_delivery_once"
            )
        ]
        indexes = [
            # The backlog, and "is an earlier event of this case still waiting?", unsent only.
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="webhook_unsent"),
            models.Index(
                fields=["subscription", "case_id", "seq"],
                condition=Q(sent_at__isnull=True),
                name="webhook_unsent_case",
            ),
            # A subscription's page: its latest deliveries.
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"推送 {self.pk}"
