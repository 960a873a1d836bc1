"""E-supervision (行政效能电子监察, S9): the thresholds an administrator sets, the warnings the
scan raises, and the in-app messages that carry them to people."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
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
    # Appraisal (DOMAIN.md section 6, configurable): weights of the rates (sum 100), deductions
    # per event, and the lowest score of each grade.
    weight_on_time = models.PositiveSmallIntegerField("权重：按时办结率", default=40)
    weight_early = models.PositiveSmallIntegerField("权重：提前办结率", default=10)
    weight_satisfaction = models.PositiveSmallIntegerField("权重：满意率", default=30)
    weight_rectified = models.PositiveSmallIntegerField("权重：差评整改率", default=20)
    deduct_red = models.DecimalField(
        "扣分：每次红灯预警", max_digits=4, decimal_places=1, default=1
    )
    deduct_order = models.DecimalField("扣分：每次督办", max_digits=4, decimal_places=1, default=2)
    deduct_anomaly = models.DecimalField(
        "扣分：每件认定的异常", max_digits=4, decimal_places=1, default=3
    )
    grade_excellent = models.PositiveSmallIntegerField("优秀：不低于", default=90)
    grade_good = models.PositiveSmallIntegerField("良好：不低于", default=80)
    grade_pass = models.PositiveSmallIntegerField("合格：不低于", default=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "监察规则设置"

    def __str__(self) -> str:
        return "监察规则设置"

    def clean(self) -> None:
        weights = (
            self.weight_on_time
            + self.weight_early
            + self.weight_satisfaction
            + self.weight_rectified
        )
        errors = {}
        if weights != 100:
            errors["weight_on_time"] = f"四项权重之和应为100，现为{weights}。"
        if not self.grade_excellent > self.grade_good > self.grade_pass:
            errors["grade_excellent"] = "等次分数线应为 优秀 > 良好 > 合格。"
        if errors:
            raise ValidationError(errors)

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
        indexes = [
            models.Index(fields=["unit", "raised_on"], name="warning_unit_day"),
            # The warnings list, newest first, 50 a page: read along this index instead of
            # sorting every warning (17,087 at 1,000,000 cases: 122 ms; issue 22).
            models.Index(fields=["-raised_at", "-id"], name="warning_recent"),
        ]

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
        indexes = [
            models.Index(fields=["unit", "detected_on"], name="anomaly_unit_day"),
            # The list, newest first, 50 a page, read along this index instead of sorting every
            # anomaly to show 50 (36-38 ms of SQL at 1,000,000 cases; issue 22).
            models.Index(fields=["-detected_on", "-id"], name="anomaly_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}：{self.case_id}"


class Rating(models.Model):
    """好差评 (国办发〔2019〕51号): one per case and channel, after the case ended. The level is
    GB/T 39046's code, 1 = 非常满意 … 5 = 非常不满意; 4 and 5 are bad and open a ticket."""

    class Channel(models.TextChoices):
        WINDOW_TABLET = "tablet", "窗口评价器"
        QR = "qr", "扫码评价"
        WEB = "web", "网上评价"
        SMS = "sms", "短信评价"

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 1, "非常满意"
        SATISFIED = 2, "满意"
        BASIC = 3, "基本满意"
        DISSATISFIED = 4, "不满意"
        VERY_DISSATISFIED = 5, "非常不满意"

    BAD = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
    GOOD = (Level.VERY_SATISFIED, Level.SATISFIED)
    TAGS = (
        "办事效率高",
        "服务态度好",
        "一次办好",
        "材料要求多",
        "等候时间长",
        "多次跑腿",
        "态度差",
    )

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("评价渠道", max_length=10, choices=Channel.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    tags = models.JSONField("评价标签", default=list, blank=True)
    text = models.TextField("评价内容", blank=True)
    real_name = models.BooleanField("实名评价", default=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    window_post = models.ForeignKey(
        "org.WindowPost", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.CharField("行政区划", max_length=12)
    rated_at = models.DateTimeField("评价时间", auto_now_add=True)
    excluded = models.BooleanField("经申诉复核剔除", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "channel"], name="rating_once_per_channel")
        ]
        indexes = [models.Index(fields=["unit", "rated_at"], name="rating_unit_time")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.case_id}"

    @property
    def bad(self) -> bool:
        return self.level in self.BAD


class Ticket(models.Model):
    """差评整改: call back the applicant, verify, then rectify or explain within the deadline
    (15 working days by default); the applicant sees the outcome. The unit may appeal a mistaken
    or malicious rating; a supervisor agreeing removes it from appraisal."""

    class State(models.TextChoices):
        OPEN = "open", "待回访"
        CALLED_BACK = "called_back", "已回访，待核实"
        VERIFIED = "verified", "已核实，待整改或说明"
        DONE = "done", "已整改或说明"
        APPEALED = "appealed", "申诉复核中"
        EXCLUDED = "excluded", "经复核为误评或恶意评价"

    class Outcome(models.TextChoices):
        RECTIFIED = "rectified", "已整改"
        EXPLAINED = "explained", "已解释说明"

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="ticket")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.OPEN)
    due_on = models.DateField("整改期限")
    opened_on = models.DateField("产生日期")
    callback_on = models.DateField("回访日期", null=True, blank=True)
    callback_note = models.TextField("回访情况", blank=True)
    verified_true = models.BooleanField("反映属实", null=True, blank=True)
    verify_note = models.TextField("核实情况", blank=True)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("整改或说明内容", blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    appeal_reason = models.TextField("申诉理由", blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_result = models.TextField("复核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        ordering = ["state", "due_on", "id"]

    def __str__(self) -> str:
        return f"差评整改{self.pk}"


class DayStat(models.Model):
    """Per day and unit, what the case event log says happened: the dashboards' trend and
    intake read this small table, not the cases (rolled up by `dashboard.rollup`)."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    # The reform scorecard's 机制到位 check: one-time notices issued (`notify_correction`) and
    # acceptances under 容缺 (the `accept` of a case with a 容缺 deadline), on the event's day.
    notices = models.PositiveIntegerField(default=0)
    rongque = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "每日统计"
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="daystat_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"


class DecisionStat(models.Model):
    """Decisions on cases with a due date, per decision day and per unit, window post or staff
    member (who accepted the case): what appraisal counts, rolled up by `dashboard.rollup` from
    the `decide` / `decide_at_window` events (a case is decided once). `key` is the unit's,
    window post's or staff member's id; a case without a window post or acceptor has no row at
    that level."""

    class Level(models.TextChoices):
        UNIT = "unit", "单位"
        WINDOW = "window", "窗口"
        STAFF = "staff", "工作人员"

    level = models.CharField(max_length=6, choices=Level.choices)
    key = models.IntegerField()
    day = models.DateField()
    finished = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)  # decided on or before the due date
    early = models.PositiveIntegerField(default=0)  # decided before the due date

    class Meta:
        verbose_name = verbose_name_plural = "办结统计"
        constraints = [
            models.UniqueConstraint(fields=["level", "day", "key"], name="decisionstat_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.level} {self.key}"


class RollupCursor(models.Model):
    """The last case event counted into `DayStat` and `DecisionStat`."""

    name = models.CharField(max_length=30, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


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


class Kiosk(models.Model):
    """A hall device that works without a person's login: a window's rating tablet (窗口评价器)
    or the hall's wall display (监察大屏). The hall manager registers it and is shown its token
    once; the device keeps the token in a cookie of its own and is known by the token's digest
    alone. Revoking it ends the device's access at its next request."""

    class Purpose(models.TextChoices):
        RATING = "rating", "窗口评价器"
        WALL = "wall", "监察大屏"

    name = models.CharField("设备名称", max_length=60)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    hall = models.ForeignKey("org.Hall", verbose_name="大厅", on_delete=models.PROTECT)
    window_post = models.ForeignKey(
        "org.WindowPost",
        verbose_name="窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_seen_at = models.DateTimeField("最近使用", null=True, blank=True)
    # The case the window's clerk put before the applicant on this tablet (一事一评), if any.
    offered_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "大厅设备"
        ordering = ["hall_id", "purpose", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="rating") | models.Q(window_post__isnull=False),
                name="kiosk_rating_has_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}：{self.name}"
