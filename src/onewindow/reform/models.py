"""What the reform office records beside the live data the six checks read: the reform round and
its timetable (S18), spot checks and deductions (S16), each unit's self-inspection submission
with its versions (S17), undetermined items filed (S2(5)) and plans for a missing lead section
(S1). The checks themselves are computed from the organisation, catalogue, letters and cases
(`reform.checks`), never stored by hand."""

from django.conf import settings
from django.db import models

from onewindow.catalog.models import Item
from onewindow.common import limits
from onewindow.org.models import Unit


class Check(models.TextChoices):
    """The six "in place" checks (五(一)); each a task of the timetable."""

    ORGANISATION = "organisation", "机构到位"
    STAFF = "staff", "人员到位"
    ITEMS = "items", "事项到位"
    AUTHORIZATION = "authorization", "授权到位"
    MECHANISM = "mechanism", "机制到位"
    SUPERVISION = "supervision", "监察到位"


class Round(models.Model):
    """One round of the reform (the county's 2020 round, a new year's, a township round)."""

    name = models.CharField("轮次名称", max_length=limits.NAME, unique=True)
    document = models.CharField("文件文号", max_length=limits.NAME, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    report_due = models.DateField("自查报告报备期限")
    units = models.ManyToManyField(Unit, verbose_name="参加单位", related_name="reform_rounds")
    active = models.BooleanField("当前轮次", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "改革轮次"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task of the timetable with its deadline (None: ongoing, e.g. innovation)."""

    round = models.ForeignKey(
        Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="tasks"
    )
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务", max_length=limits.NAME)
    checks = models.JSONField("完成标志（到位检查）", default=list, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "改革任务"
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "order"], name="task_order_unique")]

    def __str__(self) -> str:
        return self.title


class CheckPassed(models.Model):
    """The first day a unit's check was seen passing (the timetable's completion date), and the
    latest day it was seen at all; written by the daily reform scan."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("检查", max_length=20, choices=Check.choices)
    first_passed_on = models.DateField("首次达标日期", null=True, blank=True)
    passing = models.BooleanField("目前达标", default=False)
    seen_on = models.DateField("最近检查日期")

    class Meta:
        verbose_name = verbose_name_plural = "到位检查记录"
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="check_passed_unique")]

    def __str__(self) -> str:
        return f"{self.unit}：{self.get_kind_display()}"


class Weight(models.Model):
    """The reform office's weight of each check in the unit score (S16); 100 points in all."""

    kind = models.CharField("检查", max_length=20, choices=Check.choices, unique=True)
    points = models.PositiveSmallIntegerField("分值")

    class Meta:
        verbose_name = verbose_name_plural = "到位检查分值"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}分"


class SpotCheck(models.Model):
    """抽查 (S16): a visit by the reform office or the inspection office, with its findings, the
    deduction it costs the unit, and the rectification due within working days."""

    class Result(models.TextChoices):
        OPEN = "open", "整改中"
        RECTIFIED = "rectified", "已整改"
        OVERDUE = "overdue", "逾期未整改"

    unit = models.ForeignKey(
        Unit, verbose_name="被抽查单位", on_delete=models.PROTECT, related_name="spot_checks"
    )
    round = models.ForeignKey(
        Round, verbose_name="轮次", on_delete=models.PROTECT, null=True, blank=True
    )
    checked_on = models.DateField("抽查日期")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("涉及检查", max_length=20, choices=Check.choices, blank=True)
    findings = models.TextField("发现的问题", max_length=limits.REASON)
    deduction = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=0)
    rectify_days = models.PositiveSmallIntegerField("整改时限（工作日）", null=True, blank=True)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    evidence = models.TextField("整改情况及佐证", max_length=limits.REASON, blank=True)
    result = models.CharField(
        "整改结果", max_length=10, choices=Result.choices, default=Result.OPEN
    )
    closed_on = models.DateField("整改确认日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查"
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deduction__gte=0), name="spot_deduction_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.checked_on}抽查"


class Submission(models.Model):
    """A unit's self-inspection report for a round (S17), with its state; each submitted text is
    kept as a `SubmissionVersion`."""

    class State(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "已报备（待审核）"
        ACCEPTED = "accepted", "已通过"
        RETURNED = "returned", "已退回修改"

    round = models.ForeignKey(
        Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="reform_submissions"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    # The free text the unit writes; the facts come from the checks when the report is made.
    fields = models.JSONField("自查报告填写内容", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    submitted_on = models.DateField("报备日期", null=True, blank=True)
    late = models.BooleanField("逾期报备", default=False)
    comment = models.TextField("审核意见", max_length=limits.REASON, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自查报告"
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="submission_unique")]

    def __str__(self) -> str:
        return f"{self.unit}（{self.round}）自查报告"


class SubmissionVersion(models.Model):
    """One submitted (or returned) version, as it was: texts, the checks' facts, who, when."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    state = models.CharField("状态", max_length=10, choices=Submission.State.choices)
    fields = models.JSONField("填写内容", default=dict)
    facts = models.JSONField("检查结果", default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见", max_length=limits.REASON, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自查报告版本"
        ordering = ["submission", "number", "id"]

    def __str__(self) -> str:
        return f"{self.submission} 第{self.number}版"


class Filing(models.Model):
    """A unit's filing with the reform office that it accepts or returns: an item whose hall or
    online entry is undetermined (S2(5)), or the plan for a missing lead section (S1)."""

    class Kind(models.TextChoices):
        UNDETERMINED_ITEM = "undetermined_item", "进驻情况待定事项报备"
        LEAD_SECTION_PLAN = "lead_section_plan", "牵头股室设置方案报备"

    class State(models.TextChoices):
        FILED = "filed", "已报备（待审核）"
        ACCEPTED = "accepted", "已接受"
        RETURNED = "returned", "已退回"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="reform_filings"
    )
    item = models.ForeignKey(
        Item, verbose_name="事项", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Undetermined item: hall / online / both; the superior department asked; the answer's date.
    undetermined = models.CharField("待定内容", max_length=20, blank=True)
    superior = models.CharField("已联系的上级部门", max_length=limits.NAME, blank=True)
    basis = models.TextField("依据或说明", max_length=limits.REASON, blank=True)
    answer_due = models.DateField("预计答复日期", null=True, blank=True)
    # Lead-section plan: what the unit will set up, and by when.
    plan = models.TextField("方案内容", max_length=limits.REASON, blank=True)
    plan_due = models.DateField("落实期限", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.FILED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField("报备日期")
    decided_on = models.DateField("审核日期", null=True, blank=True)
    comment = models.TextField("审核意见", max_length=limits.REASON, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "改革报备"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit}：{self.get_kind_display()}"
