"""The applicant's online application before it is submitted (网上申请草稿) and its uploads, and
an item's 告知承诺 text (the catalogue has no field for it yet)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from onewindow.catalog.models import CombinedService, Item, Material
from onewindow.common.fields import EncryptedCharField, EncryptedJSONField


class Commitment(models.Model):
    """The 告知承诺 text an applicant accepts before applying online for the item. Kept here
    until the catalogue holds it: an item with a row is a 告知承诺制 item."""

    item = models.OneToOneField(
        Item, verbose_name="事项", on_delete=models.CASCADE, related_name="commitment"
    )
    text = models.TextField("承诺书内容", max_length=5000)

    class Meta:
        verbose_name = verbose_name_plural = "告知承诺书"

    def __str__(self) -> str:
        return f"{self.item}的告知承诺书"


class Draft(models.Model):
    """An application as the applicant fills it in, saved on the server so that it resumes on
    any device; `version` makes two devices' saves collide loudly, not silently."""

    class As(models.TextChoices):
        SELF = "self", "本人申请"
        ORGANISATION = "org", "为所代表的单位申请"
        AGENT = "agent", "代他人申请（代理人）"

    class Delivery(models.TextChoices):
        COLLECT = "collect", "到窗口领取"
        MAIL = "mail", "邮寄送达（申请人付费）"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name="事项", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        CombinedService,
        verbose_name="一件事",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_as = models.CharField("申请身份", max_length=5, choices=As.choices, default=As.SELF)
    organisation_digest = models.CharField("所代表单位", max_length=64, blank=True)
    # The account holder's own ID number, checked against the account's verified identity
    # (self, and the agent of an organisation or a person); the other party's name and number.
    own_id = EncryptedCharField("本人身份证号码", max_plain_length=18, blank=True)
    other_name = models.CharField("申请人姓名或名称", max_length=100, blank=True)
    other_id = EncryptedCharField("申请人证件号码", max_plain_length=18, blank=True)
    phone = EncryptedCharField("联系电话", max_plain_length=20, blank=True)
    # material id (text) → "paper" (到窗口时提交纸质材料); an upload is a DraftFile row.
    choices = models.JSONField("材料提交方式", default=dict, blank=True)
    delivery = models.CharField(
        "送达方式", max_length=7, choices=Delivery.choices, default=Delivery.COLLECT
    )
    # {recipient, phone, address}: personal data, encrypted like the case's delivery record.
    mail = EncryptedJSONField("邮寄信息", default=dict, blank=True)
    commitment_accepted = models.BooleanField("已阅读并同意告知承诺书", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_case = models.ForeignKey(
        "cases.Case",
        verbose_name="办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_combined = models.ForeignKey(
        "cases.CombinedCase",
        verbose_name="一件事申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "网上申请草稿"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, service__isnull=True)
                | Q(item__isnull=True, service__isnull=False),
                name="draft_item_or_service",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（草稿{self.pk}）"

    @property
    def title(self) -> str:
        return self.item.name if self.item_id else self.service.name

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


def draft_upload_path(instance, filename: str) -> str:
    # Never the applicant's file name on disk: it is kept in original_name, shown escaped.
    return f"drafts/{instance.draft_id}/{instance.material_id}-{instance.sha256[:16]}.{filename}"


class DraftFile(models.Model):
    """One uploaded material of a draft (PDF, JPG or PNG by content); replaced, never two."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to=draft_upload_path)
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "草稿材料文件"
        constraints = [
            models.UniqueConstraint(fields=["draft", "material"], name="draftfile_one_per_material")
        ]

    def __str__(self) -> str:
        return self.original_name
