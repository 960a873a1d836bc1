"""A 一件事 made by the factories (issue 16 item 5): member units each with their desk in one
hall, a combined service of their items and a comprehensive window serving all of them."""

import dataclasses

from onewindow.catalog.models import CombinedService
from onewindow.org.models import Hall, User, WindowPost
from onewindow.testing.factories import (
    CombinedServiceFactory,
    Desk,
    DeskFactory,
    HallFactory,
    WindowPostFactory,
)


@dataclasses.dataclass
class Combo:
    hall: Hall
    desks: list[Desk]  # one per member unit; the first is the lead unit
    service: CombinedService
    post: WindowPost  # the comprehensive window serving every member unit
    clerk: User  # its A clerk (a staff member of none of the member units)

    @property
    def lead(self) -> Desk:
        return self.desks[0]


def combo(units: int = 4, *, staged: bool = True, hall: Hall | None = None, **service) -> Combo:
    """A published 一件事 of the promised items of `units` new desks. `staged`: the lead unit's
    item is stage 1 and the others run in parallel in stage 2 (like 开办餐饮店); otherwise all
    run in one stage (like 新生儿出生一件事). `service`: more fields for
    `CombinedServiceFactory`."""
    hall = hall or HallFactory()
    desks = [DeskFactory(hall=hall) for _ in range(units)]
    items = [d.item for d in desks]
    stages = {item.pk: (1 if n == 0 or not staged else 2) for n, item in enumerate(items)}
    service = CombinedServiceFactory(items=items, stages=stages, **service)
    post = WindowPostFactory(
        hall=hall, kind=WindowPost.Kind.COMPREHENSIVE, units=[d.unit for d in desks]
    )
    return Combo(hall=hall, desks=desks, service=service, post=post, clerk=post.staff_a.user)
