"""The set-up records: every change to a window post or a hall's opening hours, who made it,
when, and each field's old and new value (SetupChange); every onboarding import that changed
something, with what it changed (OnboardingRun). Append-only: a row is written once and never
changed or deleted (the admin shows it read-only)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class SetupChange(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "新设窗口"
        EDITED = "edited", "修改窗口"
        ACTIVATED = "activated", "启用窗口"
        DEACTIVATED = "deactivated", "停用窗口"
        HOURS = "hours", "修改办公时间"

    hall = models.ForeignKey(
        "org.Hall", verbose_name="大厅", on_delete=models.PROTECT, related_name="setup_changes"
    )
    post = models.ForeignKey(
        "org.WindowPost",
        verbose_name="窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="setup_changes",
    )
    action = models.CharField("操作", max_length=12, choices=Action.choices)
    # [[field label, old text, new text], ...] in the words the page shows.
    changes = models.JSONField("变更内容", default=list)
    by = models.ForeignKey(
        "org.User", verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField("操作人姓名", max_length=50)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口设置变更记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("变更记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("变更记录只能追加，不能删除。")


class OnboardingRun(models.Model):
    """One import of an onboarding workbook (机构人员导入) that changed something."""

    by = models.ForeignKey(
        "org.User", verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField("操作人姓名", max_length=50)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    digest = models.CharField("文件摘要（SM3）", max_length=64)
    # {sheet title: {"created": n, "updated": n, "unchanged": n}}
    counts = models.JSONField("行数", default=dict)
    # [[sheet title, row key, action, [[field, old, new], ...]], ...]; no password ever.
    changes = models.JSONField("变更内容", default=list)
    accounts = models.PositiveIntegerField("新建登录账号数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "机构人员导入记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"机构人员导入 {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("导入记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("导入记录只能追加，不能删除。")
