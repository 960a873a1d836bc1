"""Authorization letters (attachment 4), the powers they grant per item (attachment 5), approval
seals (attachment 3) and first-asked records (首问负责, S14)."""

import datetime
import math

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from onewindow.catalog.models import Item
from onewindow.common import limits
from onewindow.documents.files import validate_seal_image
from onewindow.org.models import Staff, Unit, WindowPost

# The six clauses of attachment 4, in its words.
CLAUSES = [
    "负责本部门审批服务事项的受理、审查、决定、送达等职权。对依据法律法规规章规定，通过书面审查申请材料，"
    "可当场作出审批决定的事项，授予其审批决定权；对依法需要的申请材料实质内容进行核查、法制审核，以及需要由"
    "本部门负责人决定或者集体研究决定的事项，授予其初审权。根据授权范围，对本部门授权在政务大厅窗口办理的事项"
    "在承诺时限内办结；对其他事项协调督促本部门内部股室限时办结。",
    "负责代表本部门参与综合受理窗口、重点项目绿色通道服务窗口受理的事项的协调及办理工作。",
    "负责涉及本部门审批服务事项的信息公开、告知承诺、咨询回复等相关工作。",
    "负责管理、使用本部门“行政审批专用章”。",
    "负责本部门窗口及工作人员的日常管理。",
    "负责组织完成本部门和县政务中心交办的其他工作。",
]


def default_cut_limit(promised: int) -> int:
    """Attachment 5: the promised limit cut by 10%, rounded down, at least one working day for
    promised items; instant items stay at 0."""
    if promised <= 0:
        return 0
    return max(1, math.floor(promised * 0.9))


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SIGNED = "signed", "已签署"
        FILED = "filed", "已备案"
        REVOKED = "revoked", "已撤销"

    unit = models.ForeignKey(
        Unit, verbose_name="授权委托机关", on_delete=models.PROTECT, related_name="letters"
    )
    legal_representative = models.CharField("法定代表人", max_length=50)
    supervisor = models.ForeignKey(
        Staff, verbose_name="窗口主管", on_delete=models.PROTECT, related_name="+"
    )
    team_leader = models.ForeignKey(
        Staff, verbose_name="窗口组长", on_delete=models.PROTECT, related_name="+"
    )
    clauses = models.JSONField("授权条款", default=list, help_text="附件4第一至六条的序号")
    other_tasks = limits.text_field("其他交办事项", limits.REASON, blank=True)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField("签署日期", null=True, blank=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="备案人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "授权委托书"
        ordering = ["unit_id", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="letter_dates_in_order",
                violation_error_message="有效期结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}授权委托书（{self.valid_from}～{self.valid_until}）"

    def in_force(self, day: datetime.date) -> bool:
        """Only a filed letter within its dates grants anything."""
        return self.status == self.Status.FILED and self.valid_from <= day <= self.valid_until

    def shown_status(self, day: datetime.date) -> str:
        if self.status == self.Status.FILED and day > self.valid_until:
            return "已过期"
        if self.status == self.Status.FILED and day < self.valid_from:
            return "已备案（未生效）"
        return self.get_status_display()


class ItemPower(models.Model):
    class Power(models.TextChoices):
        DECISION = "decision", "审批决定权"
        FIRST_REVIEW = "first_review", "初审权"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="powers")
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    power = models.CharField("授予权限", max_length=15, choices=Power.choices)
    collective = models.BooleanField(
        "需本部门负责人决定或集体研究决定",
        default=False,
        help_text="或需对材料实质内容核查、法制审核：只能授予初审权（S5）",
    )
    needs_other = models.BooleanField(
        "受理、审核、决定、办结需经审批股室之外的其他股室和局领导", default=False
    )
    needs_other_note = models.CharField("需经的股室或领导", max_length=200, blank=True)
    cut_limit = models.PositiveSmallIntegerField("压缩后承诺时限（工作日）")
    cut_reason = models.CharField("未按10%压缩的理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项授权"
        ordering = ["letter_id", "item__basic_code"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "item"], name="power_letter_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item}：{self.get_power_display()}"


def seal_upload_path(instance, filename: str) -> str:
    return f"mandates/seals/{instance.unit_id}/{filename}"


class Seal(models.Model):
    """行政审批专用章 of a unit (attachment 3's seal columns)."""

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="seal"
    )
    enabled = models.BooleanField("已启用", default=False)
    enabled_on = models.DateField("启用日期", null=True, blank=True)
    custodian = models.ForeignKey(
        Staff,
        verbose_name="保管人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    impression = models.ImageField(
        "印模（留存）",
        upload_to=seal_upload_path,
        blank=True,
        validators=[validate_seal_image],
        help_text="PNG或JPG图片，大小和像素有上限",
    )
    reason_not_enabled = limits.text_field("未启用原因说明", limits.REASON, blank=True)
    plan = limits.text_field("整改计划及措施", limits.REASON, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政审批专用章"

    def __str__(self) -> str:
        return f"{self.unit}行政审批专用章"


class Enquiry(models.Model):
    """首问负责: the first person asked records the question and what became of it (S14)."""

    class Outcome(models.TextChoices):
        HANDLED = "handled", "当场解答或受理"
        GUIDED = "guided", "引导至其他窗口"
        REFERRED = "referred", "转交部门并回复"

    staff = models.ForeignKey(
        Staff, verbose_name="首问人", on_delete=models.PROTECT, related_name="enquiries"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    asker = models.CharField("咨询人", max_length=50, blank=True, help_text="可不填；不记录证件号")
    item = models.ForeignKey(
        Item, verbose_name="涉及事项", null=True, blank=True, on_delete=models.SET_NULL
    )
    question = models.CharField("咨询内容", max_length=300)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices)
    guided_to = models.ForeignKey(
        WindowPost,
        verbose_name="引导至窗口",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "首问负责记录"
        ordering = ["-at"]
        indexes = [models.Index(fields=["staff", "at"], name="enquiry_staff_at")]

    def __str__(self) -> str:
        return self.question[:30]
