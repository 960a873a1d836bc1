"""Organisation: regions, units (涉改单位), sections (股室), halls, window posts, staff, roles."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from onewindow.common import crypto
from onewindow.common.fields import EncryptedCharField
from onewindow.common.masking import mask_mobile
from onewindow.common.sorting import sort_text
from onewindow.common.validators import (
    normalize_credit_code,
    validate_credit_code,
    validate_mobile,
    validate_region_code,
)
from onewindow.org.roles import ALL_UNITS, RoleCode


class Role(models.Model):
    code = models.CharField("代码", max_length=32, unique=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_code_display()


class User(AbstractUser):
    """A login. Staff members link to one through Staff.user; applicants have none."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    # An applicant's verified identity (实名认证: resident ID or credit code) as the keyed digest
    # cases carry, so "我的办事" finds their cases; the number itself is not kept here.
    identity_digest = models.CharField(
        "实名认证摘要", max_length=64, blank=True, default="", db_index=True, editable=False
    )
    # A first password handed out by the onboarding import: the person must set their own
    # before doing anything else (web.middleware.PasswordChangeRequiredMiddleware).
    password_change_required = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password) -> None:
        # Any new password (the person's own on the password page, or an administrator's reset)
        # ends the first-password state; the onboarding import sets it again after this call.
        super().set_password(raw_password)
        self.password_change_required = False

    @cached_property
    def role_codes(self) -> frozenset[str]:
        codes = {r.code for r in self.roles.all()}
        if self.is_superuser:
            codes.add(RoleCode.SYSADMIN)
        return frozenset(codes)

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def sees_all_units(self) -> bool:
        return bool(self.role_codes & ALL_UNITS)


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"
        TOWNSHIP = "township", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField(
        "行政区划代码", max_length=12, unique=True, validators=[validate_region_code]
    )
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit taking part in the reform (涉改单位), or the approval bureau running the hall."""

    class Kind(models.TextChoices):
        COUNTY_DEPT = "county_dept", "县直部门"
        STATIONED = "stationed", "中央、省、市驻县单位"
        INSTITUTION = "institution", "事业单位"
        TOWNSHIP_CENTRE = "township_centre", "乡镇（街道）政务服务中心"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": "该统一社会信用代码已被其他单位使用，请核对。"},
    )
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT)
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices)
    in_reform = models.BooleanField("列入涉改单位", default=True)
    leader_in_charge = models.ForeignKey(
        "Staff",
        verbose_name="分管领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_section = models.ForeignKey(
        "Section",
        verbose_name="牵头股室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "涉改单位"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.credit_code:
            self.credit_code = normalize_credit_code(self.credit_code)
        errors = {}
        if self.leader_in_charge_id and self.pk and self.leader_in_charge.unit_id != self.pk:
            errors["leader_in_charge"] = "分管领导必须是本单位的工作人员。"
        if self.lead_section_id and self.pk and self.lead_section.unit_id != self.pk:
            errors["lead_section"] = "牵头股室必须是本单位的股室。"
        if errors:
            raise ValidationError(errors)


class Section(models.Model):
    """A section (股室). Attachment 3 of the seed reports on the lead section's columns."""

    class Mode(models.TextChoices):
        SEPARATE = "separate", "单独设立行政审批服务股"
        SIGN = "sign", "牵头股室加挂“行政审批服务”牌子"
        ORDINARY = "ordinary", "其他业务股室"

    class HallPresence(models.TextChoices):
        WHOLE = "whole", "成建制进驻"
        HEAD = "head", "股长进驻"
        KEY_STAFF = "key_staff", "业务骨干进驻"
        NOT_IN = "not_in", "未进驻"

    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField("股室名称", max_length=50)
    mode = models.CharField("设置方式", max_length=10, choices=Mode.choices, default=Mode.ORDINARY)
    head = models.ForeignKey(
        "Staff",
        verbose_name="股长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField("电话", max_length=20, blank=True)
    duties = models.TextField("职能职责", blank=True)
    hall_presence = models.CharField(
        "进驻政务大厅情况", max_length=10, choices=HallPresence.choices, default=HallPresence.NOT_IN
    )
    presence_reason = models.TextField("未完全进驻原因", blank=True)
    presence_plan = models.TextField("进驻整改计划及措施", blank=True)
    basis = models.CharField("设立依据或文件", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "股室"
        ordering = ["unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="section_unit_name_unique",
                violation_error_message="本单位已有同名股室。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}·{self.name}"

    def clean(self) -> None:
        errors = {}
        if self.hall_presence != self.HallPresence.WHOLE and self.mode != self.Mode.ORDINARY:
            if not self.presence_reason.strip():
                errors["presence_reason"] = "审批服务股室未成建制进驻大厅时，必须说明原因。"
            if not self.presence_plan.strip():
                errors["presence_plan"] = "审批服务股室未成建制进驻大厅时，必须填写整改计划及措施。"
        if self.head_id and self.unit_id and self.head.unit_id != self.unit_id:
            errors["head"] = "股长必须是本单位的工作人员。"
        if errors:
            raise ValidationError(errors)


class Hall(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", "县政务服务大厅"
        DEPARTMENT = "department", "保留的部门服务大厅"
        TOWNSHIP = "township", "乡镇（街道）政务服务中心"

    name = models.CharField("大厅名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT)
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="halls",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    hours = models.CharField("办公时间", max_length=100, blank=True)
    phone = models.CharField("咨询电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政务服务大厅"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A staff member. Pay and establishment stay with the home unit (S12)."""

    class Establishment(models.TextChoices):
        ESTABLISHED = "established", "在编在岗"
        OTHER = "other", "其他（聘用、借调等）"

    user = models.OneToOneField(
        User,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="staff"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="所在股室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    mobile = EncryptedCharField("手机号码", max_plain_length=11, validators=[validate_mobile])
    mobile_digest = models.CharField(max_length=64, db_index=True, editable=False)
    establishment = models.CharField(
        "编制情况", max_length=12, choices=Establishment.choices, default=Establishment.ESTABLISHED
    )
    # S4 / S15 人员到位: staff on a window post are established staff, or the exception (who
    # approved a contract or seconded person at the window, and why) is recorded here.
    establishment_exception = models.CharField("非在编人员上岗例外说明", max_length=200, blank=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"
        ordering = ["unit_id", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The digest is derived from the number and must never drift from it, whichever path
        # (service, admin, data migration) writes the row.
        self.mobile_digest = crypto.digest(self.mobile) if self.mobile else ""
        if kwargs.get("update_fields") and "mobile" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mobile_digest"}
        super().save(*args, **kwargs)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    def clean(self) -> None:
        if self.section_id and self.unit_id and self.section.unit_id != self.unit_id:
            raise ValidationError({"section": "所在股室必须属于派出单位。"})


class WindowPost(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门业务窗口"
        COMPREHENSIVE = "comprehensive", "综合受理窗口"
        GREEN_CHANNEL = "green_channel", "重点项目绿色通道"
        DELIVERY = "delivery", "出件窗口"

    hall = models.ForeignKey(
        Hall, verbose_name="所在大厅", on_delete=models.PROTECT, related_name="window_posts"
    )
    number = models.CharField("窗口号", max_length=10)
    # The number as text that sorts naturally in SQL ("2" before "10"), derived in save().
    number_key = models.CharField(max_length=64, editable=False, default="")
    name = models.CharField("窗口名称", max_length=100)
    kind = models.CharField(
        "窗口类型", max_length=15, choices=Kind.choices, default=Kind.DEPARTMENT
    )
    units = models.ManyToManyField(Unit, verbose_name="服务单位", related_name="window_posts")
    staff_a = models.ForeignKey(
        Staff, verbose_name="A岗人员", on_delete=models.PROTECT, related_name="a_posts"
    )
    staff_b = models.ForeignKey(
        Staff,
        verbose_name="B岗人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="b_posts",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["hall_id", "number_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"],
                name="window_hall_number_unique",
                violation_error_message="该大厅已有相同窗口号的窗口，窗口号不能重复。",
            ),
            models.CheckConstraint(
                condition=~Q(staff_a=F("staff_b")),
                name="window_a_differs_from_b",
                violation_error_message="同一窗口的A岗和B岗不能是同一人，请另选B岗人员。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}号窗口（{self.name}）"

    def save(self, *args, **kwargs):
        # Like Staff.mobile_digest: derived from the number, so no writer can let it drift.
        self.number_key = sort_text(self.number)
        if kwargs.get("update_fields") and "number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number_key"}
        super().save(*args, **kwargs)


class Leave(models.Model):
    """A staff member's leave. Approved only when every A post they hold stays covered (S12)."""

    class Status(models.TextChoices):
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        CANCELLED = "cancelled", "已撤回"

    staff = models.ForeignKey(
        Staff, verbose_name="请假人", on_delete=models.PROTECT, related_name="leaves"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    decision = models.TextField("审批意见", blank=True)
    requested_by = models.ForeignKey(
        User, verbose_name="申请人账号", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["staff", "status", "start", "end"], name="leave_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="leave_end_not_before_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.start}～{self.end}"


class StaffChange(models.Model):
    """Transferring or withdrawing a window person: prior notice to the hall and a handover,
    confirmed by the hall manager (S12)."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "调整岗位（调离窗口）"
        WITHDRAW = "withdraw", "撤回派出单位"

    class Status(models.TextChoices):
        NOTIFIED = "notified", "已报备，待确认"
        CONFIRMED = "confirmed", "已确认交接"
        REJECTED = "rejected", "未同意"

    staff = models.ForeignKey(
        Staff, verbose_name="调整人员", on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    effective_on = models.DateField("拟调整日期")
    reason = models.CharField("原因", max_length=200)
    successor = models.ForeignKey(
        Staff,
        verbose_name="接替人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover = models.TextField(
        "交接记录", blank=True, help_text="在办件交接给谁、资料和印章交接情况"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.NOTIFIED
    )
    notified_by = models.ForeignKey(
        User, verbose_name="报备人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField("报备时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员调整"
        ordering = ["-notified_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()}"


from onewindow.org.setup_log import OnboardingRun, SetupChange  # noqa: E402, F401  (models of this app)
