"""Combined services (一件事): members from two or more units, stages in sequence, a promise
that covers the slowest stage path."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from onewindow.catalog.models import (
    JOINT_STATUTORY_LIMIT,
    CombinedMember,
    CombinedService,
    Item,
    LifeEvent,
    slowest_path,
)
from onewindow.catalog.search import set_keys
from onewindow.catalog.services.permissions import can_govern_catalogue, require
from onewindow.org.models import User


def _check_members(service: CombinedService, items: list[Item]) -> None:
    errors = []
    if len(items) < 2:
        errors.append("一件事至少包含两个事项。")
    if len({i.unit_id for i in items}) < 2:
        errors.append("一件事应由两个以上部门的事项组成（跨部门联办）。")
    if service.lead_unit_id and service.lead_unit_id not in {i.unit_id for i in items}:
        errors.append("牵头单位必须承担其中至少一个事项。")
    not_live = [i.name for i in items if i.status != Item.Status.PUBLISHED]
    if not_live and service.status == CombinedService.Status.PUBLISHED:
        errors.append(f"事项“{'、'.join(not_live)}”未发布，不能纳入已发布的一件事。")
    if errors:
        raise ValidationError({"items": errors})


def _check_promise(service: CombinedService, members: list[tuple[int, int]]) -> None:
    """The promise covers the slowest stage path: stages in sequence, a stage's members in
    parallel, so at least the sum over stages of the stage's longest promised limit."""
    longest = slowest_path(members)
    minimum = sum(longest.values())
    path = "＋".join(f"第{stage}阶段{days}个工作日" for stage, days in longest.items())
    if minimum > JOINT_STATUTORY_LIMIT:
        raise ValidationError(
            {
                "items": f"所含事项按阶段依次办理至少需要{minimum}个工作日（{path}），超过联合"
                f"办理的法定时限{JOINT_STATUTORY_LIMIT}个工作日，请调整所含事项或并联阶段。"
            }
        )
    if service.promised_limit is not None and service.promised_limit < minimum:
        raise ValidationError(
            {
                "promised_limit": f"承诺办结时限不能少于{minimum}个工作日：各阶段依次办理、同一"
                f"阶段内并联办理，所含事项至少需要{path}。请改为不少于{minimum}个工作日。"
            }
        )


def _kept_places(service: CombinedService, items: list[Item]) -> tuple[list[Item], dict[int, int]]:
    """The members in their stored order and stages, new ones after them in stage 1; stages
    renumbered 1, 2 … when a removed member leaves a stage empty."""
    before = {m.item_id: m for m in service.members.all()}
    ordered = sorted(
        items,
        key=lambda i: (0, before[i.pk].order) if i.pk in before else (1, items.index(i)),
    )
    kept = {i.pk: before[i.pk].stage if i.pk in before else 1 for i in ordered}
    renumber = {stage: n for n, stage in enumerate(sorted(set(kept.values())), start=1)}
    return ordered, {pk: renumber[stage] for pk, stage in kept.items()}


@transaction.atomic
def combined_save(
    *,
    acting_user: User,
    data: dict[str, Any],
    items: list[Item],
    life_events: Iterable[LifeEvent] = (),
    service: CombinedService | None = None,
    stages: dict[int, int] | None = None,
) -> CombinedService:
    """Create or change a combined service with its member items, in the given order. `stages`
    (item id → stage, default 1): members of one stage are approved in parallel, a later stage
    after the earlier ones. Without `stages` (the edit page, which sets neither), a member kept
    from before keeps its stage and its place; a new member comes last, in stage 1."""
    require(can_govern_catalogue(acting_user), "只有审改办可以设置一件事。")
    service = service or CombinedService()
    for key in (
        "name",
        "lead_unit",
        "description",
        "promised_limit",
        "conditions",
        "place",
        "consult_phone",
    ):
        if key in data:
            setattr(service, key, data[key])
    set_keys(service, service.name)
    service.full_clean()
    _check_members(service, items)
    if stages is None and service.pk:
        items, stages = _kept_places(service, items)
    stages = stages or {}
    used = sorted({stages.get(item.pk, 1) for item in items})
    if used and used != list(range(1, len(used) + 1)):
        raise ValidationError({"items": "并联阶段应从1开始连续编号（1、2、3……）。"})
    _check_promise(service, [(stages.get(item.pk, 1), item.promised_limit) for item in items])
    service.save()
    service.members.all().delete()
    CombinedMember.objects.bulk_create(
        CombinedMember(service=service, item=item, order=n, stage=stages.get(item.pk, 1))
        for n, item in enumerate(items, 1)
    )
    service.life_events.set(list(life_events))
    return service


@transaction.atomic
def combined_publish(*, acting_user: User, service: CombinedService) -> CombinedService:
    require(can_govern_catalogue(acting_user), "只有审改办可以发布一件事。")
    items = list(service.items.all())
    service.status = CombinedService.Status.PUBLISHED
    _check_members(service, items)
    service.save(update_fields=["status"])
    return service
