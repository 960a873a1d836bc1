"""An item's materials: kept, with their ids, for the cases that name them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from onewindow.catalog.models.items import Item
from onewindow.common import limits
from onewindow.documents.files import validate_material_file


def material_upload_path(instance, filename: str) -> str:
    return f"catalog/materials/{instance.item_id}/{filename}"


def material_file_field(label: str) -> models.FileField:
    """A material's file: PDF, DOCX, XLSX, PNG or JPG by content, size- and pixel-limited
    (documents.files)."""
    return models.FileField(
        label,
        upload_to=material_upload_path,
        blank=True,
        validators=[validate_material_file],
        help_text="PDF、Word（.docx）、Excel（.xlsx）或PNG、JPG图片",
    )


class CurrentMaterials(models.Manager):
    """Materials an item lists today; retired ones stay for the cases that name them."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_at__isnull=True)


class Material(models.Model):
    """One material of an item's list. A material keeps its row (and id) across every edit of
    the item, because case checklists point at it: a changed material is updated in place, a
    removed one is retired (hidden from guides, forms and new checklists), never deleted."""

    class Form(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"
        BOTH = "both", "纸质或电子"

    class Source(models.TextChoices):
        APPLICANT = "applicant", "申请人自备"
        SHARING = "sharing", "部门间共享获取"
        ISSUED = "issued", "政府部门核发"

    item = models.ForeignKey(
        Item, verbose_name="事项", on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("材料名称", max_length=200)
    issuer = models.CharField("出具单位", max_length=100, blank=True)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    required = models.BooleanField("必要", default=True)
    form = models.CharField("材料形式", max_length=10, choices=Form.choices, default=Form.PAPER)
    source = models.CharField(
        "来源渠道", max_length=10, choices=Source.choices, default=Source.APPLICANT
    )
    sharing_unit = models.CharField("共享提供部门", max_length=100, blank=True)
    standard = limits.text_field("受理标准", limits.GUIDE_TEXT, blank=True)
    is_main = models.BooleanField("主要材料", default=True)
    rongque = models.BooleanField("可容缺后补", default=False)
    blank_form = material_file_field("空白表格")
    sample = material_file_field("示例样表")
    retired_at = models.DateTimeField("停用时间", null=True, blank=True, editable=False)

    # The default manager (and so `item.materials`) lists current materials only; a case's
    # `material` link reads through the plain base manager and still finds a retired one.
    objects = CurrentMaterials()
    all_objects = models.Manager()  # noqa: DJ012 (a manager; ruff reads models.* as a field)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["item_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_main=True, rongque=True),
                name="material_main_never_rongque",
                violation_error_message="主要材料不能容缺后补，只有次要材料可以容缺。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.is_main and self.rongque:
            errors["rongque"] = (
                f"“{self.name}”是主要材料，不能设为可容缺后补；只有次要材料可以容缺。"
            )
        if self.source == self.Source.SHARING and not self.sharing_unit.strip():
            errors["sharing_unit"] = f"“{self.name}”通过部门共享获取，请填写提供数据的部门。"
        paper = self.form != self.Form.ELECTRONIC and self.source == self.Source.APPLICANT
        if paper and self.originals == 0 and self.copies == 0:
            errors["originals"] = f"“{self.name}”需申请人提交纸质材料，原件和复印件份数不能都为0。"
        if errors:
            raise ValidationError(errors)
