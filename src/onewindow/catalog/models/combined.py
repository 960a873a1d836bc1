"""Combined services (一件事): several units' items handled as one, stage by stage."""

from collections.abc import Iterable

from django.core.validators import MaxValueValidator
from django.db import models

from onewindow.catalog.models.items import Item, LifeEvent
from onewindow.common import limits
from onewindow.org.models import Unit

# 行政许可法 art. 42: joint or centralised handling is decided within 45 working days.
JOINT_STATUTORY_LIMIT = 45


def slowest_path(members: Iterable[tuple[int, int]]) -> dict[int, int]:
    """The longest promised limit of each stage, from (stage, promised limit) pairs. Stages run
    one after another and the members of a stage in parallel, so a combined service needs at
    least the sum of these."""
    longest: dict[int, int] = {}
    for stage, days in members:
        longest[stage] = max(longest.get(stage, 0), days)
    return dict(sorted(longest.items()))


class CombinedService(models.Model):
    """一件事 (S11): several items of several units handled as one, led by one unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    name = models.CharField("一件事名称", max_length=100, unique=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_services"
    )
    description = limits.text_field("说明", limits.GUIDE_TEXT, blank=True)
    promised_limit = models.PositiveSmallIntegerField(
        "承诺办结时限（工作日）",
        validators=[MaxValueValidator(JOINT_STATUTORY_LIMIT)],
        error_messages={"max_value": "一件事承诺时限不能超过联合办理的法定时限45个工作日。"},
    )
    conditions = limits.text_field("办理条件", limits.GUIDE_TEXT, blank=True)
    place = models.CharField("办理地点", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=50, blank=True)
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name="所属主题", blank=True, related_name="combined_services"
    )
    items = models.ManyToManyField(
        Item, verbose_name="包含事项", through="CombinedMember", related_name="combined_services"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    pinyin = models.CharField(max_length=300, blank=True, editable=False)
    initials = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "一件事"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def minimum_limit(self, members=None) -> int:
        """The working days the members need at least (their slowest stage path)."""
        members = self.members.all() if members is None else members
        return sum(slowest_path((m.stage, m.item.promised_limit) for m in members).values())

    @property
    def promise_days(self) -> int:
        """The promise in force: the declared limit, or the members' slowest stage path when a
        member item's own limit has grown past it since (the item's unit may change its limit;
        the applicant is never promised less time than the members need)."""
        return max(self.promised_limit, self.minimum_limit())


class CombinedMember(models.Model):
    service = models.ForeignKey(CombinedService, on_delete=models.CASCADE, related_name="members")
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField("顺序", default=1)
    # Members of one stage are approved in parallel; a later stage starts when every member of
    # the earlier ones has a result (where one result feeds another, e.g. a licence needs the
    # business registration first).
    stage = models.PositiveSmallIntegerField("并联阶段", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "一件事包含的事项"
        ordering = ["service_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "item"], name="combined_member_unique")
        ]

    def __str__(self) -> str:
        return str(self.item)
