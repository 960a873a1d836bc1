"""E-supervision (行政效能电子监察, S9): the thresholds an administrator sets, the warnings the
scan raises, and the in-app messages that carry them to people."""

import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from onewindow.cases.models import Case
from onewindow.org.models import Unit
from onewindow.workdays.deadlines import YellowRule


class Rules(models.Model):
    """The configurable thresholds of DOMAIN.md sections 5 and 6, one row (pk 1), changed on the
    rules page. Defaults are the documented ones."""

    yellow_days_before = models.PositiveSmallIntegerField(
        "黄灯：剩余工作日不超过", default=1, validators=[MaxValueValidator(10)]
    )
    yellow_used_percent = models.PositiveSmallIntegerField(
        "黄灯：已用时限达到（%）",
        default=80,
        validators=[MinValueValidator(50), MaxValueValidator(99)],
    )
    rectify_days = models.PositiveSmallIntegerField(
        "差评整改期限（工作日）", default=15, validators=[MinValueValidator(1)]
    )
    sms_enabled = models.BooleanField("预警同时发送短信", default=True)
    fast_minutes = models.PositiveSmallIntegerField(
        "体外循环：承诺件受理到决定不超过（分钟）", default=10, validators=[MinValueValidator(1)]
    )
    online_answer_days = models.PositiveSmallIntegerField(
        "网上申请应在几个工作日内受理或答复", default=1, validators=[MinValueValidator(1)]
    )
    anomaly_rules_off = models.JSONField("停用的异常规则", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "监察规则设置"

    def __str__(self) -> str:
        return "监察规则设置"

    @classmethod
    def current(cls) -> "Rules":
        return cls.objects.get_or_create(pk=1)[0]

    def yellow_rule(self) -> YellowRule:
        return YellowRule(self.yellow_days_before, self.yellow_used_percent / 100)


class Warning(models.Model):
    """A yellow or red light reached, or a step past its own limit: raised once per case, kind,
    step and deadline (a later deadline after an extension is a new warning)."""

    class Kind(models.TextChoices):
        YELLOW = "yellow", "黄灯预警"
        RED = "red", "红灯预警（超期）"
        STEP = "step", "环节超时"

    class Step(models.TextChoices):
        CASE = "case", "办件时限"
        KEY_STEP = "key_step", "重点项目环节时限"
        TECH_REVIEW = "tech_review", "技术审查时限"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("预警类型", max_length=10, choices=Kind.choices)
    step = models.CharField("环节", max_length=12, choices=Step.choices, default=Step.CASE)
    due_on = models.DateField("时限")
    raised_on = models.DateField("预警日期")
    raised_at = models.DateTimeField("产生时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "step", "due_on"], name="warning_once_per_deadline"
            )
        ]
        indexes = [models.Index(fields=["unit", "raised_on"], name="warning_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.case_id}"


class Order(models.Model):
    """督办: a supervisor's order on a case or a unit, with a response deadline in working days;
    unanswered by then, it escalates (to the unit's leader in charge and the hall manager). The
    fields are GB/T 39046's supervision record: case number, content, unit, time, rule, warning
    type, state, result."""

    class State(models.TextChoices):
        ISSUED = "issued", "已督办，待反馈"
        ANSWERED = "answered", "已反馈，待审核"
        ESCALATED = "escalated", "逾期未反馈，已升级"
        CLOSED = "closed", "已办结"

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="被督办单位", on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("督办内容")
    rule = models.CharField("督办依据", max_length=100)
    warning = models.ForeignKey(
        Warning, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("督办时间", auto_now_add=True)
    issued_on = models.DateField("督办日期")
    response_days = models.PositiveSmallIntegerField("反馈期限（工作日）")
    respond_by = models.DateField("应反馈日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ISSUED)
    response = models.TextField("单位反馈", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_on = models.DateField("反馈日期", null=True, blank=True)
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    result = models.TextField("督办结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["state", "respond_by"], name="order_due")]

    def __str__(self) -> str:
        return f"督办{self.pk}：{self.unit}"

    @property
    def warning_type(self) -> str:
        return self.warning.get_kind_display() if self.warning_id else "人工督办"


class Anomaly(models.Model):
    """A hit of an anomaly rule (体外循环 and the like): its evidence, and a state the unit and
    the supervisor move (open → explained by the unit → confirmed by the supervisor, or
    confirmed straight away). One per rule and case; hits feed the appraisal."""

    class Rule(models.TextChoices):
        FAST_PROMISED = "fast_promised", "承诺件受理后数分钟内即作出决定（疑似体外循环）"
        RESULT_BEFORE_ACCEPTANCE = "result_before", "决定日期早于受理日期"
        OUTSIDE_HALL_WINDOW = "outside_window", "进驻大厅的事项未在大厅窗口受理"
        ONLINE_UNANSWERED = "online_unanswered", "网上申请逾期未受理或答复"
        DEEMED_ACCEPTANCE = "deemed", "逾期未告知，视为受理"
        FEE_ON_FREE_ITEM = "fee_free_item", "不收费事项收取了费用"
        FOREIGN_SYSTEM = "foreign_system", "非提交系统通过接口变更办件"

    class State(models.TextChoices):
        OPEN = "open", "待说明"
        EXPLAINED = "explained", "单位已说明"
        CONFIRMED = "confirmed", "已认定"

    rule = models.CharField("规则", max_length=20, choices=Rule.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    evidence = models.JSONField("证据")
    detected_on = models.DateField("发现日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    explanation = models.TextField("单位说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "异常办件"
        ordering = ["-detected_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "case"], name="anomaly_once")]
        indexes = [models.Index(fields=["unit", "detected_on"], name="anomaly_unit_day")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}：{self.case_id}"


class Message(models.Model):
    """An in-app message to one person (a warning now; supervision orders later)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warning = models.ForeignKey(
        Warning, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    text = models.CharField("内容", max_length=300)
    role = models.CharField("收件身份", max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_to = models.CharField("短信号码（脱敏）", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.text[:30]


# The yellow rule as each process last read it, for at most RULE_TTL seconds: acceptances and
# resumptions ask for it on every move. After a change the scan recomputes what other processes
# wrote meanwhile (`supervision.services.scan`).
RULE_TTL = 30.0
_cached: dict[str, object] = {}


def cached_yellow_rule() -> YellowRule:
    now = time.monotonic()
    if _cached.get("until", 0.0) < now:
        _cached["rule"], _cached["until"] = Rules.current().yellow_rule(), now + RULE_TTL
    return _cached["rule"]


def forget_cached_rule() -> None:
    _cached.clear()
