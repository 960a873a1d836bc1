"""The case's companions, models of the cases app imported by cases.models: technical reviews
beside the approval service, the per-unit daily number counter, and the systems that call the
API."""

from django.conf import settings
from django.db import models

from onewindow.common import limits
from onewindow.org.models import Unit


class TechReview(models.Model):
    """技术审查 separated from the approval service (S11): an expert panel, a testing body or a
    site inspection team outside the approving section, with its own limit and report. It stops
    the case's clock only where the law excludes it from the limit (行政许可法 art. 45)."""

    class Kind(models.TextChoices):
        EXPERT_PANEL = "expert_panel", "专家评审"
        TESTING = "testing", "检验检测机构"
        SITE_INSPECTION = "site_inspection", "现场勘查组"

    EXCLUDED = frozenset({Kind.EXPERT_PANEL, Kind.TESTING})  # art. 45: not counted in the limit

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="tech_reviews")
    kind = models.CharField("审查类型", max_length=16, choices=Kind.choices)
    assignee_org = models.CharField("承担机构", max_length=100)
    assignee_name = models.CharField("负责人", max_length=50)
    limit_days = models.PositiveSmallIntegerField("审查时限（工作日）")
    started_on = models.DateField("开始日期")
    due_on = models.DateField("应完成日期")
    suspends = models.BooleanField("不计入办理时限", default=False)
    finished_on = models.DateField("完成日期", null=True, blank=True)
    conclusion = limits.text_field("审查结论", limits.REASON, blank=True)
    report = models.FileField("审查报告", upload_to="tech-reviews/%Y/", blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "技术审查"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.assignee_org}）"


class CaseCounter(models.Model):
    """Per unit and day, the last case number issued: numbers never repeat, and only cases of
    one unit on one day wait for each other."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="counter_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id}@{self.day}: {self.last}"


class ApiClient(models.Model):
    """A system that submits applications or reports department progress: the provincial
    platform, a department's own system. Its key is shown once and stored as a digest."""

    name = models.CharField("系统名称", max_length=50, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位（部门系统）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表账号（记录部门决定时）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Only the SMS gateway posts the applicants' rating replies (cases/clients.py).
    sms_gateway = models.BooleanField("短信网关（可提交短信评价）", default=False)
    # Only the provincial platform's key sends applications received on the platform, with
    # their files, under the platform's application number (cases/province.py).
    province_platform = models.BooleanField("省一体化平台（可推送网上申请）", default=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用方"

    def __str__(self) -> str:
        return self.name
