"""Items (事项 / 实施清单) with the rules one row must keep, their versions, and the life
events by which applicants browse them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from onewindow.catalog.codes import (
    LIBRARY_VERSION_MAX,
    LOCAL_BASIC_MAX,
    LOCAL_IMPLEMENTATION_MAX,
    ItemType,
    Level,
    implementation_code,
    validate_basic_code,
    validate_implementation_code,
    validate_library_version,
    validate_local_basic_code,
    validate_local_implementation_code,
)
from onewindow.common import limits
from onewindow.org.models import Unit


class LifeEvent(models.Model):
    """A life event (出生, 开办企业 ...) by which applicants browse the guides."""

    class Audience(models.TextChoices):
        PERSON = "person", "个人"
        COMPANY = "company", "法人"

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    audience = models.CharField("服务对象", max_length=10, choices=Audience.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "主题（生命周期）"
        ordering = ["audience", "order", "id"]

    def __str__(self) -> str:
        return self.name


class CodeField(models.CharField):
    """A code checked by its own validator, which names the bad character or the length; the
    stock length message would repeat the length problem in other words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]


class Item(models.Model):
    """An implementation-list entry (实施清单) of one unit at one exercise level."""

    class Relation(models.TextChoices):
        MAIN = "main", "主项"
        SUB = "sub", "子项"
        BUSINESS = "business", "业务办理项"
        INDEPENDENT = "independent", "独立项"

    class CaseKind(models.TextChoices):
        INSTANT = "instant", "即办件"
        PROMISED = "promised", "承诺件"
        JOINT = "joint", "联办件"
        REPORTED = "reported", "上报件"

    class HallStatus(models.TextChoices):
        ENTERED = "entered", "已进驻实体大厅"
        EXEMPT = "exempt", "经批准不进驻"
        NOT_YET = "not_yet", "尚未进驻"

    class ExemptReason(models.TextChoices):
        SECRECY = "secrecy", "涉密"
        SPACE = "space", "场地限制"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤销"

    name = models.CharField("事项名称", max_length=200)
    # National codes (GB/T 39046 layout) and the provincial library's local codes: an item has
    # the national pair, the local pair, or both (clean() says so); each implementation code
    # is unique where it is filled in (the constraints below).
    basic_code = models.CharField("基本编码", max_length=12, blank=True, db_index=True)
    implementation_code = models.CharField("实施编码", max_length=31, blank=True)
    local_basic_code = CodeField(
        "地方基本编码",
        max_length=LOCAL_BASIC_MAX,
        blank=True,
        validators=[validate_local_basic_code],
        help_text="省级事项库发放的地方编码，不按国家编码规则校验",
    )
    local_implementation_code = CodeField(
        "地方实施编码",
        max_length=LOCAL_IMPLEMENTATION_MAX,
        blank=True,
        validators=[validate_local_implementation_code],
    )
    library_version = CodeField(
        "事项版本号",
        max_length=LIBRARY_VERSION_MAX,
        blank=True,
        validators=[validate_library_version],
        help_text="事项在省级事项库中的版本号",
    )
    item_type = models.CharField("事项类型", max_length=2, choices=ItemType.choices)
    relation = models.CharField(
        "事项关系", max_length=12, choices=Relation.choices, default=Relation.INDEPENDENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="实施主体", on_delete=models.PROTECT, related_name="items"
    )
    level = models.CharField("行使层级", max_length=1, choices=Level.choices, default=Level.COUNTY)
    legal_limit = models.PositiveSmallIntegerField(
        "法定办结时限（工作日）", validators=[MaxValueValidator(999)]
    )
    promised_limit = models.PositiveSmallIntegerField(
        "承诺办结时限（工作日）", validators=[MaxValueValidator(999)]
    )
    case_kind = models.CharField("办件类型", max_length=10, choices=CaseKind.choices)
    handling_forms = models.CharField(
        "办理形式",
        max_length=20,
        default="1",
        help_text="1窗口办理 2网上办理 3掌上办理 4快递申请，逗号分隔",
    )
    online_depth = models.PositiveSmallIntegerField(
        "网办深度", default=1, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    fee_free = models.BooleanField("不收费", default=True)
    fee_standard = models.CharField("收费标准", max_length=300, blank=True)
    fee_basis = limits.text_field("收费依据", limits.GUIDE_TEXT, blank=True)
    legal_basis = limits.text_field("设定依据", limits.GUIDE_TEXT, blank=True)
    conditions = limits.text_field("受理条件", limits.GUIDE_TEXT, blank=True)
    process = limits.text_field("办理流程", limits.GUIDE_TEXT, blank=True)
    service_objects = models.CharField(
        "服务对象",
        max_length=50,
        default="自然人",
        help_text="自然人、企业法人、事业法人、社会组织法人、非法人企业、行政机关、其他组织，顿号分隔",
    )
    place = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=50, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=50, blank=True)
    visits = models.PositiveSmallIntegerField(
        "到办事现场次数", default=1, validators=[MaxValueValidator(9)]
    )
    special_procedures = models.JSONField(
        "特别程序", default=list, blank=True, help_text="[{kind, days}]，听证、检验检测、专家评审等"
    )
    faq = limits.text_field("常见问题", limits.GUIDE_TEXT, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name="所属主题", blank=True, related_name="items"
    )
    # Hall status (S2): the provincial library is the online hall.
    online_hall = models.BooleanField("已在省级事项库发布（网上大厅）", default=False)
    hall_status = models.CharField(
        "实体大厅进驻情况", max_length=10, choices=HallStatus.choices, default=HallStatus.NOT_YET
    )
    exempt_reason = models.CharField(
        "不进驻原因", max_length=10, choices=ExemptReason.choices, blank=True
    )
    exempt_note = models.CharField("不进驻说明", max_length=200, blank=True)
    exempt_doc_no = models.CharField("县政府批准文号", max_length=100, blank=True)
    exempt_date = models.DateField("批准日期", null=True, blank=True)
    supervised = models.BooleanField("已纳入电子监察", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("版本", default=1)
    # Search helpers, derived from the name in the service layer.
    pinyin = models.CharField(max_length=600, blank=True, editable=False)
    initials = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项"
        ordering = ["unit_id", "basic_code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit__lte=models.F("legal_limit")),
                name="item_promised_within_legal",
                violation_error_message="承诺办结时限不能超过法定办结时限。",
            ),
            models.UniqueConstraint(
                fields=["implementation_code"],
                condition=~Q(implementation_code=""),
                name="item_implementation_code_unique",
                violation_error_message="实施编码已被其他事项使用，同一实施主体、层级和基本编码"
                "只能有一个事项。",
            ),
            models.UniqueConstraint(
                fields=["local_implementation_code"],
                condition=~Q(local_implementation_code=""),
                name="item_local_implementation_code_unique",
                violation_error_message="地方实施编码已被其他事项使用。",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "unit"], name="item_status_unit"),
            models.Index(fields=["implementation_code"], name="item_implementation_code"),
            models.Index(fields=["local_implementation_code"], name="item_local_impl_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The code that names the item in URLs, exports and exchanges: the national
        implementation code, or the local one when the library issued only local codes."""
        return self.implementation_code or self.local_implementation_code

    @property
    def basic_code_shown(self) -> str:
        """The basic code to print beside the name: the national one, else the local one."""
        return self.basic_code or self.local_basic_code

    def clean(self) -> None:
        """Every rule of the implementation list that one row can break, as field errors."""
        errors: dict[str, str] = self._local_code_errors()
        if self.basic_code:
            try:
                validate_basic_code(self.basic_code, item_type=self.item_type or None)
            except ValidationError as exc:
                errors["basic_code"] = exc.messages[0]
        elif self.implementation_code:
            errors["basic_code"] = "填写了实施编码，也须填写基本编码（实施编码由基本编码生成）。"
        if self.unit_id and self.level and self.basic_code and "basic_code" not in errors:
            expected = implementation_code(
                credit_code=self.unit.credit_code, level=self.level, basic_code=self.basic_code
            )
            if not self.implementation_code:
                self.implementation_code = expected
            else:
                try:
                    validate_implementation_code(
                        self.implementation_code,
                        credit_code=self.unit.credit_code,
                        level=self.level,
                        basic_code=self.basic_code,
                    )
                except ValidationError as exc:
                    errors["implementation_code"] = exc.messages[0]
        errors.update(self._limit_errors())
        errors.update(self._relation_errors())
        errors.update(self._hall_errors())
        bad_forms = [f for f in self.handling_forms.split(",") if f not in HANDLING_FORMS]
        if not self.handling_forms or bad_forms:
            errors["handling_forms"] = (
                "办理形式只能是1（窗口办理）、2（网上办理）、3（掌上办理）、4（快递申请），"
                "多个用英文逗号分隔。"
            )
        bad_objects = [o for o in self.service_objects.split("、") if o not in SERVICE_OBJECTS]
        if bad_objects:
            errors["service_objects"] = (
                f"服务对象“{bad_objects[0]}”无效，可选：{'、'.join(SERVICE_OBJECTS)}。"
            )
        problem = special_procedure_problem(self.special_procedures)
        if problem:
            errors["special_procedures"] = problem
        if not self.fee_free and not self.fee_standard.strip():
            errors["fee_standard"] = "收费事项必须填写收费标准。"
        if not self.fee_free and not self.fee_basis.strip():
            errors["fee_basis"] = "收费事项必须填写收费依据。"
        if errors:
            raise ValidationError(errors)

    def _local_code_errors(self) -> dict[str, str]:
        """An item needs the national codes or the local pair; local codes are checked only
        for their characters and length (by their fields' validators)."""
        if self.basic_code or self.implementation_code:
            return {}
        if self.local_basic_code and self.local_implementation_code:
            return {}
        if self.local_basic_code:
            return {"local_implementation_code": "没有国家基本编码的事项须填写地方实施编码。"}
        if self.local_implementation_code:
            return {"local_basic_code": "没有国家基本编码的事项须填写地方基本编码。"}
        return {
            "basic_code": "请填写基本编码；省级事项库只发放地方编码的，"
            "请填写地方基本编码和地方实施编码。"
        }

    def _limit_errors(self) -> dict[str, str]:
        legal, promised = self.legal_limit, self.promised_limit
        if legal is None or promised is None:
            return {}
        if promised > legal:
            return {
                "promised_limit": f"承诺办结时限（{promised}个工作日）不能超过法定办结时限"
                f"（{legal}个工作日）。"
            }
        if self.case_kind == self.CaseKind.INSTANT and promised != 0:
            return {"promised_limit": "即办件当场办结，承诺办结时限应为0个工作日。"}
        if self.case_kind and self.case_kind != self.CaseKind.INSTANT and promised == 0:
            return {"promised_limit": "承诺时限为0的事项应为即办件；承诺件请填写承诺办结时限。"}
        return {}

    def _relation_errors(self) -> dict[str, str]:
        rel, parent = self.relation, self.parent
        if rel in (self.Relation.MAIN, self.Relation.INDEPENDENT):
            if parent is not None:
                return {"parent": f"{self.get_relation_display()}没有上级事项，请清空上级事项。"}
            return {}
        if parent is None:
            return {"parent": f"{self.get_relation_display()}必须指明所属的上级事项。"}
        if self.pk and parent.pk == self.pk:
            return {"parent": "上级事项不能是事项本身。"}
        allowed = {self.Relation.SUB: {self.Relation.MAIN}}.get(
            rel, {self.Relation.MAIN, self.Relation.SUB}
        )
        if parent.relation not in allowed:
            names = "或".join(self.Relation(r).label for r in sorted(allowed))
            return {"parent": f"{self.get_relation_display()}的上级事项应为{names}。"}
        if self.unit_id and parent.unit_id != self.unit_id:
            return {"parent": "上级事项必须属于同一实施主体。"}
        return {}

    def _hall_errors(self) -> dict[str, str]:
        if self.hall_status != self.HallStatus.EXEMPT:
            if self.exempt_reason or self.exempt_doc_no or self.exempt_date:
                return {"exempt_reason": "只有“经批准不进驻”的事项才填写不进驻原因和批准文件。"}
            return {}
        errors = {}
        if not self.exempt_reason:
            errors["exempt_reason"] = (
                "经批准不进驻的事项必须选择不进驻原因（涉密、场地限制或其他）。"
            )
        if self.exempt_reason == self.ExemptReason.OTHER and not self.exempt_note.strip():
            errors["exempt_note"] = "不进驻原因为“其他”时，请写明具体原因。"
        if not self.exempt_doc_no.strip():
            errors["exempt_doc_no"] = "经批准不进驻的事项必须填写县政府批准文号。"
        if not self.exempt_date:
            errors["exempt_date"] = "经批准不进驻的事项必须填写批准日期。"
        return errors

    @property
    def is_instant(self) -> bool:
        return self.case_kind == self.CaseKind.INSTANT

    @property
    def special_procedure_labels(self) -> list[str]:
        return [
            f"{SPECIAL_PROCEDURES.get(p['kind'], p['kind'])}（约{p['days']}个工作日）"
            for p in self.special_procedures
        ]

    @property
    def handling_form_labels(self) -> list[str]:
        return [HANDLING_FORMS[f] for f in self.handling_forms.split(",") if f in HANDLING_FORMS]


HANDLING_FORMS = {"1": "窗口办理", "2": "网上办理", "3": "掌上办理", "4": "快递申请"}
ONLINE_DEPTHS = {
    1: "网上咨询",
    2: "网上收件",
    3: "网上预审",
    4: "网上受理",
    5: "网上办理",
    6: "网上办理结果信息反馈",
    7: "电子证照反馈",
}
SPECIAL_PROCEDURES = {
    "hearing": "听证",
    "tendering": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
    "site_inspection": "现场勘查",
    "publicity": "公示",
}
SERVICE_OBJECTS = (
    "自然人",
    "企业法人",
    "事业法人",
    "社会组织法人",
    "非法人企业",
    "行政机关",
    "其他组织",
)


def special_procedure_problem(value) -> str:
    """Why a special-procedure list is malformed, or "" when it is fine."""
    if not isinstance(value, list):
        return "特别程序格式不正确，应为程序名称和天数的列表。"
    for entry in value:
        if not isinstance(entry, dict) or entry.get("kind") not in SPECIAL_PROCEDURES:
            kinds = "、".join(SPECIAL_PROCEDURES.values())
            return f"特别程序只能是：{kinds}。"
        days = entry.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            label = SPECIAL_PROCEDURES[entry["kind"]]
            return f"特别程序“{label}”的所需时间应为1至365个工作日。"
    return ""


class ItemVersion(models.Model):
    """One change to an item: who, when, what changed (old and new values), and the snapshot."""

    item = models.ForeignKey(
        Item, verbose_name="事项", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=20)
    changes = models.JSONField("变更内容", default=dict)
    snapshot = models.JSONField("快照", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "事项版本"
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"
