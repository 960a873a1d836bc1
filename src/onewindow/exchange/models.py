"""The outbox of the provincial data push (S10): written in the same transaction as what it
reports, pushed after commit by the pusher, idempotent by `event_id`, ordered per `key`."""

from django.db import models
from django.db.models import Q


class Outbox(models.Model):
    topic = models.CharField("类型", max_length=20)  # case_event, rating
    key = models.CharField("顺序键", max_length=40)  # e.g. the case: its events go in order
    event_id = models.CharField("事件标识", max_length=60)
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("产生时间", auto_now_add=True)
    sent_at = models.DateTimeField("推送时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送队列"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event_id"], name="outbox_event_once")]
        indexes = [
            # The backlog, and "is an older row of this key still waiting?", both unsent only.
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent"),
            models.Index(
                fields=["key", "id"], condition=Q(sent_at__isnull=True), name="outbox_unsent_key"
            ),
        ]

    def __str__(self) -> str:
        return self.event_id
