"""Cases (办件): an application from its arrival; it gets a case number when accepted."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Reverse

from onewindow.cases.workflow import LIT, Light, State
from onewindow.catalog.models import CombinedService, Item, Material
from onewindow.common import crypto, limits
from onewindow.common.collation import CodePoint
from onewindow.common.fields import EncryptedCharField, EncryptedJSONField, YuanField, yuan_range
from onewindow.common.masking import mask_id_number, mask_mobile
from onewindow.org.models import Unit, WindowPost


class Channel(models.TextChoices):
    WINDOW = "window", "大厅窗口"
    ONLINE = "online", "网上申请"
    DEPT_SYSTEM = "dept_system", "部门业务系统"
    DEPT_HALL = "dept_hall", "保留的部门服务大厅"
    TOWNSHIP = "township", "乡镇（街道）政务服务中心"


# Case.source of an application made on this system's own portal (网上办事, portal.drafts).
PORTAL_SOURCE = "portal"


def channel_label(channel: str, source: str, province_application_id: str = "") -> str:
    """The channel as pages show it; an online application with where it was made: on the
    provincial platform (省政务服务平台), on this system's portal (本系统网上办事), or sent by
    another system through the API (its client's name; 部门系统 when none is recorded)."""
    label = Channel(channel).label if channel in Channel.values else channel
    if channel != Channel.ONLINE:
        return label
    if source == PORTAL_SOURCE:
        return f"{label}（本系统网上办事）"
    if province_application_id:
        return f"{label}（省政务服务平台）"
    return f"{label}（{source or '部门系统'}）"


class KeyProject(models.Model):
    """重点项目绿色通道 (S7): marked with the project's name and its approving document; shown
    first in every queue, with shorter internal step limits."""

    key_project = models.BooleanField("重点项目", default=False)
    project_name = models.CharField("项目名称", max_length=100, blank=True)
    project_doc = models.CharField("认定文件", max_length=100, blank=True)

    class Meta:
        abstract = True


class Handoff(models.TextChoices):
    """How a case accepted at a comprehensive window reaches the unit."""

    ONLINE = "online", "网上流转"
    PAPER = "paper", "通知部门取件"


class Case(KeyProject):
    # The encrypted columns, which no list shows (nor reads: selectors.ROW; issue 22).
    PERSONAL = ("applicant_id", "phone", "agent_id", "delivery_wish", "delivery_detail")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", "自然人"
        ORGANISATION = "organisation", "法人或其他组织"

    class Result(models.TextChoices):
        APPROVED = "approved", "准予"
        DENIED = "denied", "不予"

    class DeliveryMode(models.TextChoices):
        COLLECT = "collect", "窗口领取"
        MAIL = "mail", "邮寄送达（申请人付费）"

    # Indexes are chosen by hand (Meta below): every index costs each move's UPDATE, and
    # PostgreSQL's extra LIKE indexes for unique or indexed text columns serve no query here.
    number = models.CharField("办件编号", max_length=24, null=True, blank=True)
    item = models.ForeignKey(
        Item,
        verbose_name="事项",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_item below leads with the item
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="实施主体",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_unit below leads with the unit
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.RECEIVED)
    version = models.PositiveIntegerField("版本", default=1)
    channel = models.CharField("申请渠道", max_length=12, choices=Channel.choices)
    client_key = models.CharField("提交方幂等键", max_length=100, blank=True)
    source = models.CharField("提交系统", max_length=50, blank=True)
    # An application received from the provincial platform (一网通办): the platform's own
    # application number, unique where set, so the same application twice is one case, and
    # carried back in the case's pushed events so the platform can match the result.
    province_application_id = models.CharField("省平台申报号", max_length=64, blank=True)
    accepted_by = models.ForeignKey(
        "org.Staff",
        verbose_name="受理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read only when a person leaves (open cases to hand over): rare
    )
    window_post = models.ForeignKey(
        WindowPost,
        verbose_name="受理窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The applicant: the ID number and phone are encrypted, with digests for exact look-ups.
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id = EncryptedCharField("证件号码", max_plain_length=18)
    applicant_id_digest = models.CharField(max_length=64, editable=False)
    phone = EncryptedCharField("联系电话", max_plain_length=20)
    agent_name = models.CharField("代理人", max_length=50, blank=True)
    agent_id = EncryptedCharField("代理人身份证号码", max_plain_length=18, blank=True)
    # The agent's digest: 我的办事 lists the cases an account holder filed as someone's agent.
    agent_id_digest = models.CharField(max_length=64, blank=True, editable=False)
    # The applicant account that filed the case on the portal (网上办事); null for a window, API
    # or provincial case. An account whose identity is not verified (SMS registration only)
    # reaches only the cases it filed itself (cases.applicants).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="网上提交账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # case_filed_by below, partial: most cases have none
    )
    # The applicant's delivery wish given when applying online: {"mode": "collect"} or
    # {"mode": "mail", "recipient", "phone", "address"}; personal data, stored encrypted. The
    # clerk reads it on the case page and the 送达 form starts from it.
    delivery_wish = EncryptedJSONField("申请时选择的送达方式", default=dict, blank=True)
    # Dates of the law's clocks, stored (not recomputed on read).
    received_on = models.DateField("收到材料日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    due_date = models.DateField("承诺办结日期", null=True, blank=True)
    yellow_from = models.DateField("黄灯预警起始日", null=True, blank=True)
    due_provisional = models.BooleanField("截止日期按暂定日历计算", default=False)
    deemed_accepted = models.BooleanField("逾期视为受理", default=False)
    # 一次性告知: the day the applicant is asked to correct by; the day they last corrected on the
    # portal (the window's online queue lists the case then, whatever channel it came by).
    correct_by = models.DateField("补正期限", null=True, blank=True)
    corrected_on = models.DateField("网上补正日期", null=True, blank=True)
    suspended_on = models.DateField("中止日期", null=True, blank=True)
    suspended_total = models.PositiveSmallIntegerField("累计中止（工作日）", default=0)
    extended_days = models.PositiveSmallIntegerField("已延期（工作日）", default=0)
    rongque_deadline = models.DateField("容缺补齐期限", null=True, blank=True)
    rongque_open = models.BooleanField("容缺待补齐", default=False)
    result = models.CharField("决定", max_length=10, choices=Result.choices, blank=True)
    result_text = limits.text_field("决定内容或理由", limits.REASON, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    delivery_mode = models.CharField(
        "送达方式", max_length=10, choices=DeliveryMode.choices, blank=True
    )
    # The mailing address and the recipient are personal data: stored encrypted, like ID numbers.
    delivery_detail = EncryptedJSONField("送达信息", default=dict, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # A mailed result: the day the applicant signed the courier's receipt (确认签收).
    mail_received_on = models.DateField("邮件签收日期", null=True, blank=True)
    # The item's fee (收费) only; postage for mailing the result is the applicant's own cost
    # and is kept apart, so it never counts as a fee on a free item.
    fee = YuanField("收费金额（元）")
    postage = YuanField("邮寄费用（元，申请人承担）")
    end_reason = limits.text_field("不予受理、撤回或终止理由", limits.REASON, blank=True)
    # The head of the event chain, kept on the (locked) case row so a move reads no events, and
    # the anchor `events.verify` checks the chain against (its last events cannot go unseen);
    # the seal binds head, length and the decisive fields (events.SEALED) with the chain key.
    events_seq = models.PositiveIntegerField(default=0, editable=False)
    last_digest = models.CharField(max_length=64, blank=True, editable=False)
    seal = models.CharField(max_length=64, blank=True, editable=False)
    # 一件事: the parent, and the stage (members of one stage run in parallel).
    parent = models.ForeignKey(
        "CombinedCase",
        verbose_name="所属一件事",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,  # case_parent below, partial: most cases have none
    )
    stage = models.PositiveSmallIntegerField("并联阶段", default=1)
    # Comprehensive window: online to the unit, or the unit collects the papers (when).
    handoff = models.CharField("转办方式", max_length=10, choices=Handoff.choices, blank=True)
    papers_collected_on = models.DateField("部门取件日期", null=True, blank=True)
    step_due = models.DateField("本环节内部时限", null=True, blank=True)
    light = models.CharField("预警灯", max_length=10, choices=Light.choices, blank=True, default="")
    prompted_on = models.DateField("牵头部门催办日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-id"]
        indexes = [
            # Case search (cases.search), newest received first, keyset-paged on
            # (received_on, id): each filter that narrows by equality has an index in the
            # page's order, so a page reads ~50 index entries at any table size. They also
            # serve every other look-up by unit or item (the foreign keys' own indexes are off).
            models.Index(fields=["unit", "received_on", "id"], name="case_unit"),
            models.Index(fields=["item", "received_on", "id"], name="case_item"),
            models.Index(fields=["received_on", "id"], name="case_received"),
            # The name and the number's tail are searched as ranges by code point (see
            # common.collation), whatever the database's locale: the indexes are built so too.
            models.Index(
                CodePoint(F("applicant_name")), F("received_on"), F("id"), name="case_name"
            ),
            # The number's tail (the last digits a clerk reads off a ticket): a range on the
            # reversed number, so `reverse(number) >= '21000'` finds numbers ending in 00012.
            models.Index(CodePoint(Reverse("number")), name="case_number_tail"),
            # The department workbench: cases under review by due date (keyset pagination),
            # partial, so the index is small and already in the page's order. State and the
            # yellow date ride along so that the page's tab counts (to decide, suspended, due
            # soon: every page the reviewer opens) read the index alone (issue 22).
            models.Index(
                fields=["unit", "due_date", "id", "state", "yellow_from"],
                condition=Q(state__in=["transferred", "suspended"]),
                name="case_review_due",
            ),
            # Accepted cases of a unit: the team leader's review queue and the department's
            # take-overs above its first page, without reading the unit's whole history (the
            # unit's index holds every case it ever had; issue 22).
            models.Index(
                fields=["unit", "due_date", "id"],
                condition=Q(state="accepted"),
                name="case_accepted",
            ),
            models.Index(fields=["state", "received_on"], name="case_state_received"),
            models.Index(fields=["applicant_id_digest"], name="case_applicant"),
            # Few cases have an agent: a partial index costs the others' moves nothing.
            models.Index(
                fields=["agent_id_digest"], condition=~Q(agent_id_digest=""), name="case_agent"
            ),
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="case_parent"),
            models.Index(
                fields=["filed_by"], condition=Q(filed_by__isnull=False), name="case_filed_by"
            ),
            # Key projects are few: a partial index costs the other cases' moves nothing.
            models.Index(fields=["state"], condition=Q(key_project=True), name="case_key"),
            # The supervision scan reaches exactly the rows whose light must move: by light and
            # the date that moves it (supervision.services.scan). The unit rides along for the
            # dashboards: the lights per unit read the index alone (COUNT(*); issue 22).
            models.Index(fields=["light", "state", "unit"], name="case_light"),
            # The drill-down's pages in due order: one light, or all four (case_lit_due).
            models.Index(fields=["light", "due_date", "id"], name="case_light_due"),
            models.Index(
                fields=["due_date", "id"], condition=Q(light__in=LIT), name="case_lit_due"
            ),
            models.Index(fields=["light", "yellow_from"], name="case_light_yellow"),
            # The window's work queues (cases.actions.queues), counted on every page a clerk opens
            # from this index alone (COUNT(1); what the queues and the scope test is in it).
            models.Index(
                fields=["unit", "window_post", "state"],
                include=[
                    "parent",
                    "channel",
                    "corrected_on",
                    "rongque_open",
                    "delivery_mode",
                    "mail_received_on",
                ],
                condition=Q(state__in=["received", "correcting", "decided"])
                | Q(rongque_open=True)
                | Q(state="closed", delivery_mode="mail", mail_received_on__isnull=True),
                name="case_window_work",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            yuan_range("fee", "case_fee_yuan"),
            yuan_range("postage", "case_postage_yuan"),
            models.UniqueConstraint(
                fields=["source", "client_key"],
                condition=~Q(client_key=""),
                name="case_client_key_unique",
            ),
            models.UniqueConstraint(
                fields=["province_application_id"],
                condition=~Q(province_application_id=""),
                name="case_province_application_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"申请{self.pk}"

    def save(self, *args, **kwargs):
        self.set_digest()
        if kwargs.get("update_fields") and "applicant_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "applicant_id_digest"}
        if kwargs.get("update_fields") and "agent_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "agent_id_digest"}
        super().save(*args, **kwargs)

    def set_digest(self) -> None:
        self.applicant_id_digest = crypto.digest(self.applicant_id) if self.applicant_id else ""
        self.agent_id_digest = crypto.digest(self.agent_id) if self.agent_id else ""

    @property
    def applicant_id_masked(self) -> str:
        if self.applicant_kind == self.ApplicantKind.ORGANISATION:
            return self.applicant_id  # credit codes are public
        return mask_id_number(self.applicant_id)

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel, self.source, self.province_application_id)

    @property
    def delivery_wish_text(self) -> str:
        """The applicant's delivery wish in words (the clerk's case page); '' when none given."""
        wish = self.delivery_wish or {}
        if wish.get("mode") == self.DeliveryMode.MAIL:
            parts = [
                wish.get("recipient", ""),
                mask_mobile(wish.get("phone", "")),
                wish.get("address", ""),
            ]
            return "邮寄送达：" + "，".join(p for p in parts if p)
        if wish.get("mode") == self.DeliveryMode.COLLECT:
            return "到窗口领取"
        return ""


def upload_path(instance, filename: str) -> str:
    return f"cases/{instance.case_id}/{instance.sha256[:16]}-{filename}"


class CaseMaterial(models.Model):
    class Status(models.TextChoices):
        PAPER = "paper", "已收纸质材料"
        UPLOADED = "uploaded", "已上传电子材料"
        SHARED = "shared", "部门共享获取"
        MISSING = "missing", "缺少"
        DEFECTIVE = "defective", "不符合要求"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    # PROTECT: the catalogue retires a material instead of deleting it, and no other path may
    # detach a checklist row (its required / 容缺 flags come from the material).
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField("材料名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    file = models.FileField("文件", upload_to=upload_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    rongque = models.BooleanField("容缺后补", default=False)
    received_at = models.DateTimeField("补齐时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """Append-only; each case's events form an HMAC-SM3 chain (see `events.py`)."""

    # No index of their own: (case, seq) below serves the case; users are never deleted.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(max_length=12)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    details = models.JSONField(default=dict)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "办件事件"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_case_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class Checkpoint(models.Model):
    """A day's anchor of every case's event chain (事件链检查点): the number of cases and of
    events, and an SM3 digest over each case's (id, head, length) as of the end of the day;
    chained to the previous checkpoint, signed with its own key, and pushed to the province, so
    a case deleted whole (row and events) is seen. Written by the daily job (checkpoints.take)."""

    day = models.DateField("日期", unique=True)
    cases = models.PositiveIntegerField("办件数")
    events = models.PositiveBigIntegerField("事件数")
    heads_digest = models.CharField("链头摘要", max_length=64)
    prev = models.CharField("上一检查点签名", max_length=64)
    signature = models.CharField("签名", max_length=64)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "事件链检查点"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}：{self.cases}件"


class CombinedCase(KeyProject):
    """A 一件事 application (S11): one form, one set of materials, one acceptance, one delivery;
    a child case per member item, handled by its unit in parallel."""

    class State(models.TextChoices):
        RECEIVED = "received", "已收件（待受理）"
        CORRECTING = "correcting", "一次性告知补正中"
        HANDLING = "handling", "并联办理中"
        READY = "ready", "全部办结（待一并送达）"
        CLOSED = "closed", "已办结"
        REFUSED = "refused", "不予受理"
        WITHDRAWN = "withdrawn", "申请人撤回"

    number = models.CharField("一件事编号", max_length=24, unique=True, null=True, blank=True)
    service = models.ForeignKey(
        CombinedService, verbose_name="一件事", on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RECEIVED)
    version = models.PositiveIntegerField("版本", default=1)
    channel = models.CharField("申请渠道", max_length=12, choices=Channel.choices)
    client_key = models.CharField("提交方幂等键", max_length=100, blank=True)
    source = models.CharField("提交系统", max_length=50, blank=True)
    applicant_kind = models.CharField("申请人类型", max_length=12)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id = EncryptedCharField("证件号码", max_plain_length=18)
    phone = EncryptedCharField("联系电话", max_plain_length=20)
    window_post = models.ForeignKey(
        WindowPost,
        verbose_name="受理窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField("收件日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    due_date = models.DateField("一件事承诺办结日期", null=True, blank=True)
    delivery_mode = models.CharField("送达方式", max_length=10, blank=True)
    # The mailing address and the recipient are personal data: stored encrypted, like ID numbers.
    delivery_detail = EncryptedJSONField("送达信息", default=dict, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    end_reason = limits.text_field("不予受理或撤回理由", limits.REASON, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "一件事办件"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "client_key"],
                condition=~Q(client_key=""),
                name="combined_client_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"一件事申请{self.pk}"

    @property
    def applicant_id_masked(self) -> str:
        if self.applicant_kind == Case.ApplicantKind.ORGANISATION:
            return self.applicant_id
        return mask_id_number(self.applicant_id)


# The case's companions (technical reviews, the number counter, the API's systems): a module of
# their own, as the provincial platform's rows below.
# The provincial platform's applications (receipt log, pull cursor): a module of their own.
from onewindow.cases.province_models import ProvinceApplication, ProvincePull  # noqa: E402, F401
from onewindow.cases.side_models import ApiClient, CaseCounter, TechReview  # noqa: E402, F401
