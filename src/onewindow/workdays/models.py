"""The working-day calendar: exceptional days, which years are official, and every change.

Ordinary days are implied (Monday-Friday work, weekends rest); only holidays and adjusted
working weekends (调休) are stored.
"""

from django.conf import settings
from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    ADJUSTED_WORKDAY = "adjusted", "调休上班"


class CalendarYear(models.Model):
    """A year whose schedule has been entered (official). Years without a row are provisional."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField(
        "依据", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "正式工作日历年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarRevision(models.Model):
    """Every change to the calendar: who, when, what. Its id is the calendar's version."""

    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20)
    year = models.PositiveSmallIntegerField("年份")
    detail = models.JSONField("变更内容", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历变更记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.year}"
