"""Approvals recorded for an item leaving a hall (S13)."""

from django.conf import settings
from django.db import models

from onewindow.catalog.models.items import Item
from onewindow.common import limits


class HallApproval(models.Model):
    """The approval a hall departure needs (S13): withdrawing a published item, or taking an
    item out of the physical hall (closing it at the window)."""

    class Kind(models.TextChoices):
        WITHDRAW = "withdraw", "撤销已发布事项"
        LEAVE_HALL = "leave_hall", "事项撤出实体大厅（窗口停办）"

    item = models.ForeignKey(
        Item, verbose_name="事项", on_delete=models.PROTECT, related_name="hall_approvals"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    doc_no = models.CharField("批准文号", max_length=100)
    approved_on = models.DateField("批准日期")
    approver = models.CharField("批准机关（人）", max_length=100)
    reason = limits.text_field("理由", limits.REASON)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "撤出审批记录"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.doc_no}"
